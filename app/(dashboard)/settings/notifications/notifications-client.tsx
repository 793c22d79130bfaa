"use client";
import Link from "next/link";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import { EmptyState } from "@/components/ui/empty-state";
import { DiagnosisBox, type TDiagnosisView } from "@/components/diagnosis-box";
import { toast } from "@/components/ui/toaster";
import { useAlerts, useNotifier } from "@/lib/client/hooks/settings";
import { settingsKeys } from "@/lib/client/query-keys";
import { settingsApi } from "@/lib/client/api/settings";

export function NotificationsClient({
  canManage,
  lockedReason = null,
  myEmail,
}: {
  canManage: boolean;
  lockedReason?: string | null;
  myEmail: string;
}) {
  const qc = useQueryClient();
  const q = useNotifier();
  const [choice, setChoice] = useState<string | null>(null);
  const [to, setTo] = useState(myEmail);
  const [testResult, setTestResult] = useState<{ ok: boolean; diagnosis?: TDiagnosisView } | null>(null);
  const save = useMutation({
    mutationFn: (mailboxId: string | null) => settingsApi.setNotifier(mailboxId),
    onSuccess: async (r) => {
      toast(r.notifier ? `Consent links will be emailed from ${r.notifier.address ?? "the chosen mailbox"}.` : "Emailing links is off.");
      setChoice(null);
      await qc.invalidateQueries({ queryKey: settingsKeys.notifier() });
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const test = useMutation({
    mutationFn: () => settingsApi.testNotifier(to),
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
      <PageHeader
        title="Notifications"
        subtitle="The mailbox Consentry emails consent links and staff alerts from. Customers see this address as the sender."
      />
      {lockedReason && (
        <p className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-600" data-testid="notifications-locked">
          {lockedReason}
        </p>
      )}
      {!data ? (
        <p className="text-sm text-slate-500">{q.isError ? "Couldn't load the settings." : "Loading…"}</p>
      ) : data.candidates.length === 0 && !current ? (
        <EmptyState
          title="No mailbox can send yet"
          body="Connect a mailbox with SMTP or Graph outbound (your own helpdesk or a no-reply mailbox), then pick it here. Until then, copy consent links and send them yourself."
          action={
            <Link className="text-sm font-medium text-indigo-600 hover:underline" href="/tenants">
              Go to tenants
            </Link>
          }
        />
      ) : (
        <Card title="Notifier mailbox">
          <p className="mb-4 text-sm text-slate-600" data-testid="notifier-current">
            {current ? (
              <>
                Links are emailed from <span className="font-medium">{current.address ?? "a mailbox of another tenant"}</span> (
                {current.tenant?.displayName ?? "another tenant"}, over {current.outbound.toUpperCase()}).{" "}
                {current.state !== "connected" && <Badge tone="red">{current.state}</Badge>}
              </>
            ) : (
              "Not set: links can only be copied."
            )}
          </p>
          {canManage && (
            <div className="flex flex-wrap items-end gap-3">
              <div className="min-w-72">
                <SelectField
                  label="Send from"
                  value={selected}
                  onChange={(e) => setChoice(e.target.value)}
                  options={data.candidates.map((m) => ({
                    value: m.id,
                    label: `${m.address} · ${m.tenant.displayName} · ${m.outbound.toUpperCase()}`,
                  }))}
                />
              </div>
              <Button isBusy={save.isPending} disabled={!selected} onClick={() => save.mutate(selected)}>
                Save
              </Button>
              {current && (
                <Button variant="secondary" onClick={() => save.mutate(null)}>
                  Stop emailing links
                </Button>
              )}
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
            <Button variant="secondary" isBusy={test.isPending} onClick={() => test.mutate()}>
              Send test
            </Button>
          </div>
          {testResult?.ok && (
            <p className="mt-3 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800" data-testid="notifier-test-ok">
              Sent from {current.address}.
            </p>
          )}
          {testResult && !testResult.ok && testResult.diagnosis && <DiagnosisBox d={testResult.diagnosis} />}
        </Card>
      )}
      <AlertsCard canManage={canManage} hasNotifier={!!current} />
    </div>
  );
}

// Staff alerts: a mailbox that needs a person, a secret crossing 30/14/7/1 days. Sent from the
// notifier mailbox through the outbound queue.
function AlertsCard({ canManage, hasNotifier }: { canManage: boolean; hasNotifier: boolean }) {
  const qc = useQueryClient();
  const q = useAlerts();
  const [draft, setDraft] = useState<{ recipients: string; kinds: string[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const a = q.data?.alerts;
  const v = draft ?? (a ? { recipients: a.recipients.join(", "), kinds: a.kinds } : null);
  const save = useMutation({
    mutationFn: () => settingsApi.setAlerts({ recipients: v!.recipients.split(/[\s,;]+/).filter(Boolean), kinds: v!.kinds }),
    onSuccess: async () => {
      setDraft(null);
      setError(null);
      toast("Alert settings saved.");
      await qc.invalidateQueries({ queryKey: settingsKeys.alerts() });
    },
    onError: (e: Error & { fields?: Record<string, string> }) => setError(e.fields?.recipients ?? e.message),
  });
  if (!a || !v) return null;
  const kind = (k: string, label: string) => (
    <label className="flex items-center gap-2 text-sm">
      <input
        type="checkbox"
        disabled={!canManage}
        checked={v.kinds.includes(k)}
        onChange={(e) => setDraft({ ...v, kinds: e.target.checked ? [...v.kinds, k] : v.kinds.filter((x) => x !== k) })}
      />{" "}
      {label}
    </label>
  );
  return (
    <Card title="Alerts">
      {!hasNotifier && (
        <p className="mb-3 rounded-md bg-amber-50 p-2 text-sm text-amber-900" data-testid="alerts-no-notifier">
          Alerts need a notifier mailbox to send from: pick one above. Until then they show only on the dashboard.
        </p>
      )}
      <div className="space-y-2">
        {kind("mailbox", "A mailbox needs a person (needs re-consent, failing or degraded for a reason that won't pass by itself)")}
        {kind("secret", "A client secret expires in 30, 14, 7 or 1 days, or has expired")}
      </div>
      {a.recipientsHidden ? (
        <p className="mt-4 text-sm text-slate-600" data-testid="alerts-recipients-hidden">
          Who gets alerts is shown only to staff who see every tenant.
        </p>
      ) : (
        <div className="mt-4 max-w-xl">
          <TextField
            label="Alert recipients"
            disabled={!canManage}
            placeholder={a.defaultRecipients.join(", ")}
            value={v.recipients}
            onChange={(e) => setDraft({ ...v, recipients: e.target.value })}
            error={error ?? undefined}
            hint={`Comma-separated. Empty: the owners and admins who see every tenant (${a.defaultRecipients.join(", ") || "none yet"}).`}
          />
        </div>
      )}
      {canManage && (
        <div className="mt-3">
          <Button isBusy={save.isPending} disabled={!draft} onClick={() => save.mutate()}>
            Save alerts
          </Button>
        </div>
      )}
    </Card>
  );
}
