"use client";
import Link from "next/link";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/api-client";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import { EmptyState } from "@/components/ui/empty-state";
import { DiagnosisBox, type TDiagnosisView } from "@/components/diagnosis-box";
import { toast } from "@/components/ui/toaster";

type TBox = { id: string; address: string; tenantId: string; outbound: string; state: string; tenant: { displayName: string } };
type TData = { notifier: TBox | null; candidates: TBox[] };
const KEY = ["settings", "notifier"];

export function NotificationsClient({ canManage, myEmail }: { canManage: boolean; myEmail: string }) {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: KEY, queryFn: () => apiFetch<TData>("/api/settings/notifier") });
  const [choice, setChoice] = useState<string | null>(null);
  const [to, setTo] = useState(myEmail);
  const [testResult, setTestResult] = useState<{ ok: boolean; diagnosis?: TDiagnosisView } | null>(null);
  const save = useMutation({
    mutationFn: (mailboxId: string | null) => apiFetch<{ notifier: TBox | null }>("/api/settings/notifier", { method: "PUT", body: { mailboxId } }),
    onSuccess: async (r) => {
      toast(r.notifier ? `Consent links will be emailed from ${r.notifier.address}.` : "Emailing links is off.");
      setChoice(null);
      await qc.invalidateQueries({ queryKey: KEY });
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const test = useMutation({
    mutationFn: () => apiFetch<{ result: { ok: boolean; diagnosis?: TDiagnosisView } }>("/api/settings/notifier/test", { method: "POST", body: { to } }),
    onSuccess: (r) => {
      setTestResult(r.result);
      toast(r.result.ok ? `Test email sent to ${to}.` : "The test email failed.", r.result.ok ? "success" : "error");
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const data = q.data;
  const current = data?.notifier ?? null;
  const selected = choice ?? current?.id ?? data?.candidates[0]?.id ?? "";
  return (
    <div className="space-y-6">
      <PageHeader title="Notifications" subtitle="The mailbox Consentry emails consent links from. Customers see this address as the sender." />
      {!data ? (
        <p className="text-sm text-slate-500">{q.isError ? "Couldn't load the settings." : "Loading…"}</p>
      ) : data.candidates.length === 0 && !current ? (
        <EmptyState title="No mailbox can send yet" body="Connect a mailbox with SMTP or Graph outbound (your own helpdesk or a no-reply mailbox), then pick it here. Until then, copy consent links and send them yourself." action={<Link className="text-sm font-medium text-indigo-600 hover:underline" href="/tenants">Go to tenants</Link>} />
      ) : (
        <Card title="Notifier mailbox">
          <p className="mb-4 text-sm text-slate-600" data-testid="notifier-current">
            {current ? <>Links are emailed from <span className="font-medium">{current.address}</span> ({current.tenant.displayName}, over {current.outbound.toUpperCase()}). {current.state !== "connected" && <Badge tone="red">{current.state}</Badge>}</> : "Not set: links can only be copied."}
          </p>
          {canManage && (
            <div className="flex flex-wrap items-end gap-3">
              <div className="min-w-72">
                <SelectField label="Send from" value={selected} onChange={(e) => setChoice(e.target.value)} options={data.candidates.map((m) => ({ value: m.id, label: `${m.address} · ${m.tenant.displayName} · ${m.outbound.toUpperCase()}` }))} />
              </div>
              <Button isBusy={save.isPending} disabled={!selected} onClick={() => save.mutate(selected)}>Save</Button>
              {current && <Button variant="secondary" onClick={() => save.mutate(null)}>Stop emailing links</Button>}
            </div>
          )}
        </Card>
      )}
      {current && canManage && (
        <Card title="Send a test email">
          <div className="flex flex-wrap items-end gap-3">
            <div className="min-w-72">
              <TextField label="To" type="email" value={to} onChange={(e) => setTo(e.target.value)} />
            </div>
            <Button variant="secondary" isBusy={test.isPending} onClick={() => test.mutate()}>Send test</Button>
          </div>
          {testResult?.ok && <p className="mt-3 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800" data-testid="notifier-test-ok">Sent from {current.address}.</p>}
          {testResult && !testResult.ok && testResult.diagnosis && <DiagnosisBox d={testResult.diagnosis} />}
        </Card>
      )}
    </div>
  );
}
