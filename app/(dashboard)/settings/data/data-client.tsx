"use client";
// How long Consentry keeps the mail it pulls. The raw message is personal data; after the period
// only its summary stays (needed so it is never delivered twice).
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { day } from "@/lib/client/format";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { SelectField } from "@/components/ui/field";
import { toast } from "@/components/ui/toaster";
import { useRetention } from "@/lib/client/hooks/settings";
import { settingsKeys } from "@/lib/client/query-keys";
import { settingsApi } from "@/lib/client/api/settings";

const mb = (b: number) => (b >= 1e9 ? `${(b / 1e9).toFixed(1)} GB` : `${(b / 1e6).toFixed(1)} MB`);

export function DataClient({ lockedReason = null }: { lockedReason?: string | null }) {
  const qc = useQueryClient();
  const q = useRetention();
  const [choice, setChoice] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (v: string) => settingsApi.setRetention(v === "forever" ? null : Number(v)),
    onSuccess: async () => {
      setChoice(null);
      toast("Retention saved. The worker applies it within 10 minutes.");
      await qc.invalidateQueries({ queryKey: settingsKeys.retention() });
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const s = q.data?.storage;
  const current = s ? (s.messageRetentionDays === null ? "forever" : String(s.messageRetentionDays)) : "30";
  const value = choice ?? current;
  return (
    <div className="space-y-6">
      <PageHeader
        title="Data retention"
        subtitle="Consentry stores each pulled message so your helpdesk can fetch it. Keep it only as long as you need."
      />
      <Card title="Raw messages">
        {!s ? (
          <p className="text-sm text-slate-500">Loading…</p>
        ) : (
          <>
            <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm md:grid-cols-4" data-testid="storage-stats">
              <div>
                <dt className="text-slate-500">Messages pulled</dt>
                <dd className="font-medium">{s.messages.toLocaleString()}</dd>
              </div>
              <div>
                <dt className="text-slate-500">With their content</dt>
                <dd className="font-medium">{s.withRawMime.toLocaleString()}</dd>
              </div>
              <div>
                <dt className="text-slate-500">Content stored</dt>
                <dd className="font-medium">{mb(s.rawBytes)}</dd>
              </div>
              <div>
                <dt className="text-slate-500">Oldest content</dt>
                <dd className="font-medium">{day(s.oldestRawMimeAt)}</dd>
              </div>
            </dl>
            <div className="mt-5 flex flex-wrap items-end gap-3">
              <div className="min-w-64">
                <SelectField
                  label="Keep message content for"
                  disabled={!!lockedReason}
                  value={value}
                  onChange={(e) => setChoice(e.target.value)}
                  options={[
                    { value: "7", label: "7 days" },
                    { value: "30", label: "30 days (default)" },
                    { value: "90", label: "90 days" },
                    { value: "365", label: "1 year" },
                    { value: "forever", label: "Forever" },
                  ]}
                />
              </div>
              <Button isBusy={save.isPending} disabled={value === current || !!lockedReason} onClick={() => save.mutate(value)}>
                Save
              </Button>
            </div>
            {lockedReason && (
              <p className="mt-3 text-sm text-slate-600" data-testid="retention-locked">
                {lockedReason}
              </p>
            )}
            <p className="mt-3 text-xs text-slate-500">
              After this period the worker deletes the message content (the REST API then answers 410 Gone for it). Its summary (sender,
              subject, Message-ID, size) stays, so a resync never delivers it twice.
            </p>
          </>
        )}
      </Card>
    </div>
  );
}
