"use client";
// Steps 1 and 2 of the shared-mailbox wizard: the shared address, then the delegate (with the
// app and the protocols). "Continue" adds the mailbox and stores the wizard, which carries on
// (and can be resumed) on the mailbox's setup page.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError } from "@/lib/client/api-client";
import { mailboxKeys, tenantKeys } from "@/lib/client/query-keys";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import { EmptyState } from "@/components/ui/empty-state";
import { useApps } from "@/lib/client/hooks/apps";
import { mailboxApi } from "@/lib/client/api/mailboxes";
import { sharedSetupApi } from "@/lib/client/api/shared-setup";
import { SetupSteps } from "@/components/mailboxes/setup-steps";

export function SharedStartClient({ tenantId, tenantName, domain }: { tenantId: string; tenantName: string; domain: string | null }) {
  const router = useRouter();
  const qc = useQueryClient();
  const apps = useApps(tenantId);
  const [stage, setStage] = useState<0 | 1>(0);
  const [v, setV] = useState({ address: "", delegateUpn: "", appRegistrationId: "", inbound: "imap", outbound: "smtp", folder: "INBOX" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof v) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setV({ ...v, [k]: e.target.value });
  const appId = v.appRegistrationId || apps.data?.apps[0]?.id || "";
  const d = domain ?? "contoso.com";
  if (apps.data && apps.data.apps.length === 0)
    return (
      <EmptyState
        title="Register an app first"
        body="The delegate signs in through the customer's Azure app registration."
        action={
          <Link className="rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white" href={`/tenants/${tenantId}/apps/new`}>
            Register app
          </Link>
        }
      />
    );
  const norm = (s: string) => s.trim().toLowerCase();
  return (
    <div className="max-w-2xl">
      <PageHeader title="Add a shared mailbox" subtitle={`${tenantName} · step by step`} />
      <SetupSteps current={stage} />
      <Card>
        {stage === 0 ? (
          <form
            noValidate
            className="space-y-4"
            onSubmit={(e) => {
              e.preventDefault();
              if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v.address.trim()))
                return setErrors({ address: "Enter the shared mailbox's address." });
              setErrors({});
              setStage(1);
            }}
          >
            <p className="text-sm text-slate-600">
              The shared mailbox&apos;s own address. Nobody signs in with it: a shared mailbox&apos;s account isn&apos;t meant to sign in,
              and Exchange won&apos;t open the mailbox for it.
            </p>
            <TextField
              label="Shared mailbox address"
              type="email"
              value={v.address}
              onChange={set("address")}
              error={errors.address}
              placeholder={`helpdesk@${d}`}
            />
            <Button type="submit">Next</Button>
          </form>
        ) : (
          <form
            noValidate
            className="space-y-4"
            onSubmit={async (e) => {
              e.preventDefault();
              if (norm(v.delegateUpn) && norm(v.delegateUpn) === norm(v.address))
                return setErrors({
                  delegateUpn:
                    "That's the shared mailbox's own address. A shared mailbox can't sign in: enter the person (a licensed user) who signs in for it.",
                });
              setBusy(true);
              setErrors({});
              try {
                const { mailbox } = await mailboxApi.create(tenantId, {
                  ...v,
                  kind: "shared",
                  appRegistrationId: appId,
                  afterProcessing: "keep",
                });
                await sharedSetupApi.save(tenantId, mailbox.id, "permissions");
                await qc.invalidateQueries({ queryKey: mailboxKeys.all });
                await qc.invalidateQueries({ queryKey: tenantKeys.all });
                router.push(`/tenants/${tenantId}/mailboxes/${mailbox.id}/setup`);
              } catch (err) {
                if (err instanceof ApiError) {
                  setErrors(err.fields ?? { _: err.message });
                  if (err.fields?.address) setStage(0);
                }
              } finally {
                setBusy(false);
              }
            }}
          >
            <p className="text-sm text-slate-600">
              The <strong>delegate</strong> is the person who signs in for <strong>{v.address}</strong> with their own account. Exchange
              then lets them open the shared mailbox (FullAccess) and send as it (SendAs); the next step shows how to grant both.
            </p>
            <TextField
              label="Delegate (who signs in)"
              type="email"
              value={v.delegateUpn}
              onChange={set("delegateUpn")}
              error={errors.delegateUpn}
              placeholder={`it.admin@${d}`}
            />
            <SelectField
              label="App registration"
              value={appId}
              onChange={set("appRegistrationId")}
              error={errors.appRegistrationId}
              options={(apps.data?.apps ?? []).map((a) => ({ value: a.id, label: `${a.displayName} (${a.clientId.slice(0, 8)}…)` }))}
            />
            <div className="grid gap-4 md:grid-cols-2">
              <SelectField
                label="Read mail with"
                value={v.inbound}
                onChange={set("inbound")}
                options={[
                  { value: "imap", label: "IMAP" },
                  { value: "pop", label: "POP3" },
                  { value: "graph", label: "Microsoft Graph" },
                  { value: "none", label: "Nothing (send only)" },
                ]}
              />
              <SelectField
                label="Send mail with"
                value={v.outbound}
                onChange={set("outbound")}
                options={[
                  { value: "smtp", label: "SMTP" },
                  { value: "graph", label: "Microsoft Graph" },
                  { value: "none", label: "Nothing (receive only)" },
                ]}
              />
            </div>
            {errors._ && <p className="text-sm text-red-600">{errors._}</p>}
            <div className="flex gap-2">
              <Button type="button" variant="secondary" onClick={() => setStage(0)}>
                Back
              </Button>
              <Button type="submit" isBusy={busy}>
                Continue
              </Button>
            </div>
          </form>
        )}
      </Card>
    </div>
  );
}
