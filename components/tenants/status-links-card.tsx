"use client";
// Customer status links: a read-only page of this tenant's mailboxes for the customer's admin,
// who needs no account. Most fixes happen in their Microsoft 365, so they see what to change.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ago, day } from "@/lib/client/format";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CopyField } from "@/components/ui/copy-button";
import { toast } from "@/components/ui/toaster";
import { useStatusLinks } from "@/lib/client/hooks/tenants";
import { tenantKeys } from "@/lib/client/query-keys";
import { tenantApi } from "@/lib/client/api/tenants";

export function StatusLinksCard({ tenantId, canCreate }: { tenantId: string; canCreate: boolean }) {
  const qc = useQueryClient();
  const links = useStatusLinks(tenantId);
  const [label, setLabel] = useState("");
  const [days, setDays] = useState(30);
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => tenantApi.createStatusLink(tenantId, { label, days }),
    onSuccess: (r) => {
      setCreated(r.url);
      setLabel("");
      void qc.invalidateQueries({ queryKey: tenantKeys.statusLinks(tenantId) });
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => tenantApi.revokeStatusLink(tenantId, id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: tenantKeys.statusLinks(tenantId) });
      toast("Link revoked: it stops working now.");
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const active = (links.data?.links ?? []).filter((l) => !l.revokedAt && new Date(l.expiresAt) > new Date());
  return (
    <Card title="Customer status page">
      <p className="text-sm text-slate-600">
        A read-only page for the customer&apos;s admin, with no account: each mailbox in plain words and, when something breaks, the change
        to make in their Microsoft 365.
      </p>
      {canCreate && (
        <form
          className="mt-3 flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <label className="text-xs text-slate-600">
            For
            <input
              aria-label="Status link for"
              placeholder="e.g. Jane (IT lead)"
              value={label}
              onChange={(e) => setLabel(e.target.value)}
              className="mt-1 block w-44 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
            />
          </label>
          <label className="text-xs text-slate-600">
            Valid for
            <select
              aria-label="Valid for"
              value={days}
              onChange={(e) => setDays(Number(e.target.value))}
              className="mt-1 block rounded-md border border-slate-300 px-2 py-1.5 text-sm"
            >
              <option value={7}>7 days</option>
              <option value={30}>30 days</option>
              <option value={90}>90 days</option>
              <option value={365}>1 year</option>
            </select>
          </label>
          <Button type="submit" variant="secondary" isBusy={create.isPending}>
            Create status link
          </Button>
        </form>
      )}
      {created && (
        <div className="mt-3" data-testid="status-link-url">
          <CopyField label="Send this link to the customer (shown once)" value={created} />
        </div>
      )}
      {active.length > 0 && (
        <ul className="mt-3 divide-y divide-slate-100 text-sm" data-testid="status-links">
          {active.map((l) => (
            <li key={l.id} className="flex items-center justify-between gap-2 py-1.5">
              <div className="min-w-0">
                <div className="truncate">
                  {l.label || "Unnamed link"} <Badge tone="green">active</Badge>
                </div>
                <div className="text-xs text-slate-500">
                  until {day(l.expiresAt)} · viewed {ago(l.lastViewedAt)} · by {l.createdByEmail}
                </div>
              </div>
              {canCreate && (
                <Button variant="ghost" onClick={() => revoke.mutate(l.id)}>
                  Revoke
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
