"use client";
// Steps 3–6 of the shared-mailbox wizard, resumed from the server: what the delegate needs (with
// the tenant-filled PowerShell and the Exchange admin center path), the delegate signs in (the
// ordinary Connect, with the delegate as the expected user), live checks per protocol with their
// own diagnoses and evidence, and done.
import Link from "next/link";
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { mailboxKeys } from "@/lib/client/query-keys";
import { useSharedSetup } from "@/lib/client/hooks/shared-setup";
import { sharedSetupApi } from "@/lib/client/api/shared-setup";
import type { TSharedSetup } from "@/lib/client/wire-types";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { toast } from "@/components/ui/toaster";
import { SetupSteps } from "@/components/mailboxes/setup-steps";
import { StepList } from "@/components/mailboxes/step-list";
import { useConnectMailbox } from "@/components/mailboxes/mailbox-actions";

const STEP_INDEX: Record<TSharedSetup["step"], number> = { permissions: 2, sign_in: 3, checks: 4, done: 5 };

function Command({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <div className="text-xs font-medium text-slate-500">{label}</div>
      <div className="mt-1 flex items-start gap-2">
        <code className="min-w-0 flex-1 break-all rounded bg-slate-100 px-2 py-1 text-sm text-slate-800" data-testid="setup-command">
          {value}
        </code>
        <CopyButton value={value} />
      </div>
    </div>
  );
}

export function SetupClient({ tenantId, mailboxId, canConnect }: { tenantId: string; mailboxId: string; canConnect: boolean }) {
  const qc = useQueryClient();
  const q = useSharedSetup(tenantId, mailboxId);
  const connect = useConnectMailbox(tenantId, mailboxId);
  const [busy, setBusy] = useState(false);
  if (!q.data) return <p className="text-sm text-slate-500">{q.error ? q.error.message : "Loading…"}</p>;
  const { setup, lastTest } = q.data;
  const mb = setup.mailbox;
  const cmd = setup.commands!;
  const reads = mb.inbound !== "none";
  const sends = mb.outbound !== "none";
  const refresh = () => qc.invalidateQueries({ queryKey: mailboxKeys.setup(tenantId, mailboxId) });
  const go = async (step: TSharedSetup["step"]) => {
    setBusy(true);
    try {
      await sharedSetupApi.save(tenantId, mailboxId, step);
      await refresh();
    } catch (e) {
      toast((e as Error).message, "error");
    } finally {
      setBusy(false);
    }
  };
  const check = async () => {
    setBusy(true);
    try {
      const r = await sharedSetupApi.check(tenantId, mailboxId);
      toast(r.result.ok ? "Every check passed." : "Some checks failed: see each one's diagnosis.", r.result.ok ? "success" : "error");
      await qc.invalidateQueries({ queryKey: mailboxKeys.detail(tenantId, mailboxId) });
    } catch (e) {
      toast((e as Error).message, "error");
    } finally {
      setBusy(false);
    }
  };
  const planned = [
    mb.inbound === "imap" && `IMAP: the delegate's token signs in with user=${mb.address} and opens the folder (needs FullAccess).`,
    mb.inbound === "pop" && `POP3: the delegate's token signs in with user=${mb.address} (needs FullAccess).`,
    mb.inbound === "graph" &&
      `Microsoft Graph: reads /users/${mb.address} mail with the delegate's token (needs FullAccess and Mail.ReadWrite.Shared).`,
    mb.outbound === "smtp" && `SMTP: the delegate signs in and sends a note as ${mb.address} to themselves (needs SendAs).`,
    mb.outbound === "graph" &&
      `Microsoft Graph: sends a note as ${mb.address} through /users/${mb.address}/sendMail (needs SendAs and Mail.Send.Shared).`,
  ].filter(Boolean) as string[];

  return (
    <div className="max-w-3xl space-y-4">
      <PageHeader
        title={`Set up ${mb.address}`}
        subtitle={`${mb.tenantName} · shared mailbox · delegate ${mb.delegateUpn ?? "—"}`}
        actions={
          <Link className="text-sm text-indigo-600 hover:underline" href={`/tenants/${tenantId}/mailboxes/${mailboxId}`}>
            Mailbox page
          </Link>
        }
      />
      <SetupSteps current={STEP_INDEX[setup.step]} />

      {setup.step === "permissions" && (
        <Card title="What the delegate needs">
          <div className="space-y-4 text-sm text-slate-700">
            <p>
              In the customer&apos;s Exchange Online (an Exchange administrator of {mb.tenantName}), give <strong>{mb.delegateUpn}</strong>{" "}
              these rights on <strong>{mb.address}</strong>. They can take up to an hour to apply.
            </p>
            {reads && (
              <div className="space-y-2" data-testid="need-full-access">
                <h3 className="font-semibold text-slate-900">FullAccess: to read the mailbox</h3>
                <p>
                  Lets the delegate open the shared mailbox over IMAP, POP and Microsoft Graph. Without it Exchange signs the delegate in,
                  then refuses the mailbox.
                </p>
                <Command label="PowerShell (Exchange Online)" value={cmd.fullAccess} />
                <Command label="Or in the Exchange admin center" value={cmd.eacFullAccess} />
              </div>
            )}
            {sends && (
              <div className="space-y-2" data-testid="need-send-as">
                <h3 className="font-semibold text-slate-900">SendAs: to send from its address</h3>
                <p>
                  Lets mail go out with {mb.address} as the sender, exactly as if the shared mailbox sent it. FullAccess doesn&apos;t
                  include it.
                </p>
                <Command label="PowerShell (Exchange Online)" value={cmd.sendAs} />
                <Command label="Or in the Exchange admin center" value={cmd.eacSendAs} />
                <details className="rounded-md bg-slate-50 p-3">
                  <summary className="cursor-pointer font-medium">What about Send on Behalf?</summary>
                  <p className="mt-2">
                    Send on Behalf makes mail show as &quot;{mb.delegateUpn} on behalf of {mb.address}&quot;, with the delegate named as the
                    sender. Consentry sends as {mb.address} itself (it is the From address, with no separate sender), which is what SendAs
                    grants, and its checks test exactly that. Grant Send on Behalf only if people also want to send on behalf from Outlook:
                  </p>
                  <div className="mt-2">
                    <Command label="PowerShell (optional)" value={cmd.sendOnBehalf} />
                  </div>
                </details>
              </div>
            )}
            <p className="text-xs text-slate-500">
              Run <code>{cmd.connect}</code> first (the ExchangeOnlineManagement module), signed in as an Exchange administrator.
            </p>
            {canConnect && (
              <Button isBusy={busy} onClick={() => go("sign_in")}>
                Done, next: the delegate signs in
              </Button>
            )}
          </div>
        </Card>
      )}

      {setup.step === "sign_in" && (
        <Card title="The delegate signs in">
          <div className="space-y-3 text-sm text-slate-700">
            <p>
              <strong>{mb.delegateUpn}</strong> signs in on Microsoft&apos;s page with their own account and password, not with {mb.address}{" "}
              (a shared mailbox&apos;s own account isn&apos;t meant to sign in, and Exchange won&apos;t open the mailbox for it). Consentry
              refuses any other account.
            </p>
            <p>After the sign-in, the live checks run at once and this page comes back.</p>
            {canConnect && (
              <div className="flex gap-2">
                <Button variant="secondary" onClick={() => go("permissions")} disabled={busy}>
                  Back
                </Button>
                <Button isBusy={connect.isPending} onClick={() => connect.mutate()}>
                  Connect as {mb.delegateUpn}
                </Button>
              </div>
            )}
          </div>
        </Card>
      )}

      {(setup.step === "checks" || setup.step === "done") && (
        <Card title={setup.step === "done" ? "All set" : "Live checks"}>
          <div className="space-y-3 text-sm text-slate-700">
            {setup.step === "done" ? (
              <p data-testid="setup-done">
                {mb.address} works through its delegate {mb.signedInAs ?? mb.delegateUpn}: every check passed. Consentry keeps the grant
                refreshed and syncs it from now on.
              </p>
            ) : (
              <p>
                Signed in as <strong>{mb.signedInAs ?? "nobody yet"}</strong>. Each check signs in for real; a failure names its cause, the
                fix, and what Consentry checked to tell the causes apart.
              </p>
            )}
            <ul className="list-disc space-y-1 pl-5 text-slate-600">
              {planned.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
            {lastTest ? (
              <div data-testid="setup-checks">
                <div className="mb-2 text-xs text-slate-500">Last run {new Date(lastTest.at).toLocaleString()}</div>
                <StepList steps={lastTest.steps} />
              </div>
            ) : (
              <p className="text-slate-500">No check has run yet.</p>
            )}
            {canConnect && setup.step === "checks" && (
              <div className="flex flex-wrap gap-2">
                <Button isBusy={busy} onClick={check}>
                  {lastTest ? "Run the checks again" : "Run the checks"}
                </Button>
                <Button variant="secondary" onClick={() => go("permissions")} disabled={busy}>
                  Show the permissions again
                </Button>
                <Button variant="secondary" onClick={() => go("sign_in")} disabled={busy}>
                  Sign in again
                </Button>
              </div>
            )}
            {setup.step === "done" && (
              <Link
                className="inline-block rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white"
                href={`/tenants/${tenantId}/mailboxes/${mailboxId}`}
              >
                Open the mailbox
              </Link>
            )}
          </div>
        </Card>
      )}
    </div>
  );
}
