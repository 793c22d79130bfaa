"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ApiError } from "@/lib/client/api-client";
import { appKeys, tenantKeys } from "@/lib/client/query-keys";
import { PROFILE_LABELS } from "@/lib/microsoft/scope-profiles";
import { inspectSecretValue } from "@/lib/microsoft/secret-shape";
import type { TAzureSetupInfo } from "@/lib/apps/azure-setup-info";
import { dateTime, day } from "@/lib/client/format";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { TextField } from "@/components/ui/field";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toaster";
import { AzureSetupPanel } from "@/components/apps/azure-setup-panel";
import { EditAppCard } from "@/components/apps/edit-app-card";
import { SecretBadge } from "@/components/tenants/tenant-apps";
import { DiagnosisBox } from "@/components/diagnosis-box";
import { describe } from "@/lib/diagnostics/describe";
import { CONNECT_CHECKBOX_NOTE, OrgConsentDetails } from "@/components/consent/org-consent-details";
import { useApp } from "@/lib/client/hooks/apps";
import { appApi } from "@/lib/client/api/apps";
import type { TVerify } from "@/lib/client/wire-types";

export function AppClient({
  tenantId,
  tenantName,
  appId,
  info,
  can,
  lockedReason = null,
}: {
  tenantId: string;
  tenantName: string;
  appId: string;
  info: TAzureSetupInfo;
  can: { manage: boolean; verify: boolean };
  lockedReason?: string | null;
}) {
  const router = useRouter();
  const qc = useQueryClient();
  const q = useApp(appId);
  const [verifyResult, setVerifyResult] = useState<TVerify | null>(null);
  const [rotate, setRotate] = useState({ value: "", expiresAt: new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10) });
  const [rotateResult, setRotateResult] = useState<TVerify | null>(null);
  const [rotateErrors, setRotateErrors] = useState<Record<string, string>>({});
  const [deleting, setDeleting] = useState(false);
  const refresh = () => Promise.all([qc.invalidateQueries({ queryKey: appKeys.all }), qc.invalidateQueries({ queryKey: tenantKeys.all })]);
  const verify = useMutation({
    mutationFn: () => appApi.verify(appId, tenantId),
    onSuccess: async (r) => {
      setVerifyResult(r.result);
      await refresh();
      // The secret banner on every page is server-rendered: re-read it with Microsoft's verdict.
      router.refresh();
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const rotateM = useMutation({
    mutationFn: async () => (await appApi.addSecret(appId, { ...rotate, tenantId })).result,
    onSuccess: async (r) => {
      setRotateResult(r);
      if (r.ok) {
        toast("New secret verified and active. Mailboxes use it from now on.");
        setRotate({ ...rotate, value: "" });
      }
      await refresh();
      router.refresh();
    },
    onError: (e: Error) => {
      if (e instanceof ApiError && e.fields) setRotateErrors(e.fields);
      else toast(e.message, "error");
    },
  });
  const del = useMutation({
    mutationFn: () => appApi.remove(appId),
    onSuccess: async () => {
      await refresh();
      toast("App registration deleted.");
      router.push(`/tenants/${tenantId}`);
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const a = q.data?.app;
  if (!a) return <p className="text-sm text-slate-500">{q.isError ? "Couldn't load the app." : "Loading…"}</p>;
  const warnings = inspectSecretValue(rotate.value);
  return (
    <div className="space-y-6">
      <PageHeader
        title={a.displayName}
        subtitle={<span className="font-mono text-xs">{a.clientId}</span>}
        actions={
          <Link className="text-sm text-slate-600 hover:underline" href={`/tenants/${tenantId}`}>
            {tenantName}
          </Link>
        }
      />
      <div className="grid gap-6 lg:grid-cols-5">
        <div className="space-y-6 lg:col-span-3">
          <Card
            title="Status"
            actions={
              can.verify && (
                <Button variant="secondary" isBusy={verify.isPending} onClick={() => verify.mutate()}>
                  Verify app
                </Button>
              )
            }
          >
            <dl className="grid grid-cols-[auto,1fr] gap-x-6 gap-y-2 text-sm">
              <dt className="text-slate-500">Kind</dt>
              <dd>{a.kind === "multi_tenant" ? "MSP multi-tenant" : "Single tenant"}</dd>
              <dt className="text-slate-500">Scope profile</dt>
              <dd>{PROFILE_LABELS[a.scopeProfile]}</dd>
              <dt className="text-slate-500">Default prompt</dt>
              <dd>{a.defaultPrompt}</dd>
              <dt className="text-slate-500">Active secret</dt>
              <dd>
                <SecretBadge app={a} />{" "}
                {a.activeSecret && <span className="text-xs text-slate-500">expires {day(a.activeSecret.expiresAt)}</span>}
              </dd>
              <dt className="text-slate-500">Last verified</dt>
              <dd>
                {a.lastVerifyCode === "ok" ? (
                  <Badge tone="green">OK {dateTime(a.lastVerifiedAt)}</Badge>
                ) : a.lastVerifyCode ? (
                  <span data-testid="last-verified" title={`Code: ${a.lastVerifyCode} · ${dateTime(a.lastVerifiedAt)}`}>
                    <Badge tone="red">
                      {describe(a.lastVerifyCode)?.title ?? a.lastVerifyCode} · {dateTime(a.lastVerifiedAt)}
                    </Badge>
                  </span>
                ) : (
                  "never"
                )}
              </dd>
              <dt className="text-slate-500">Mailboxes</dt>
              <dd>{a.mailboxCount}</dd>
            </dl>
            {lockedReason && (
              <p className="mt-4 rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-600" data-testid="app-locked">
                {lockedReason}
              </p>
            )}
            {verifyResult &&
              (verifyResult.ok ? (
                <p className="mt-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800" data-testid="verify-ok">
                  The secret works:{" "}
                  {verifyResult.method === "refresh"
                    ? `Microsoft refreshed ${verifyResult.mailbox}'s token with it.`
                    : "Microsoft issued an app token with it."}
                </p>
              ) : (
                <DiagnosisBox d={verifyResult} />
              ))}
          </Card>
          {can.manage && <EditAppCard key={a.updatedAt} a={a} tenantId={tenantId} />}
          <Card title="Organization consent">
            {(a.orgConsents ?? []).length === 0 ? (
              <p className="text-sm text-slate-600" data-testid="app-org-consent">
                Not granted in any tenant you can see. Request it from a tenant&apos;s page (Consent for the organization).
              </p>
            ) : (
              <ul className="space-y-3 text-sm" data-testid="app-org-consent">
                {(a.orgConsents ?? []).map((c) => (
                  <li key={c.id}>
                    <Link className="font-medium hover:underline" href={`/tenants/${c.tenantId}`}>
                      {c.tenantName}
                    </Link>{" "}
                    <Badge tone="green">Granted</Badge>
                    <OrgConsentDetails c={c} expectedDirectoryId={null} />
                  </li>
                ))}
              </ul>
            )}
            <p className="mt-3 text-xs text-slate-500">{CONNECT_CHECKBOX_NOTE}</p>
          </Card>
          {can.manage && (
            <Card title="Rotate secret">
              <p className="mb-3 text-sm text-slate-600">
                Paste the new secret. Consentry proves it against Microsoft first; only then does it replace the old one. Mailboxes keep
                working throughout.
              </p>
              <form
                className="space-y-3"
                onSubmit={(e) => {
                  e.preventDefault();
                  setRotateErrors({});
                  setRotateResult(null);
                  rotateM.mutate();
                }}
              >
                <TextField
                  label="New client secret value"
                  type="password"
                  autoComplete="off"
                  value={rotate.value}
                  onChange={(e) => setRotate({ ...rotate, value: e.target.value })}
                  error={rotateErrors.value}
                />
                {warnings.map((w) => (
                  <p key={w.code} className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" role="alert">
                    {w.message}
                  </p>
                ))}
                <TextField
                  label="New secret expires"
                  type="date"
                  value={rotate.expiresAt}
                  onChange={(e) => setRotate({ ...rotate, expiresAt: e.target.value })}
                  error={rotateErrors.expiresAt}
                />
                <Button type="submit" isBusy={rotateM.isPending} disabled={!rotate.value}>
                  Verify and swap
                </Button>
              </form>
              {rotateResult && !rotateResult.ok && <DiagnosisBox d={rotateResult} />}
              <table className="mt-5 w-full text-sm">
                <thead>
                  <tr className="text-left text-xs uppercase text-slate-500">
                    <th className="py-1">Secret</th>
                    <th>Status</th>
                    <th>Expires</th>
                    <th>Verified</th>
                  </tr>
                </thead>
                <tbody>
                  {a.secrets.map((s) => (
                    <tr key={s.id} className="border-t border-slate-100">
                      <td className="py-1.5 font-mono">…{s.last4}</td>
                      <td>
                        <Badge tone={s.status === "active" ? "green" : "slate"}>{s.status}</Badge>
                      </td>
                      <td>{day(s.expiresAt)}</td>
                      <td>{s.verifiedAt ? day(s.verifiedAt) : "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Card>
          )}
          {can.manage && (
            <Card title="Danger zone">
              <Button variant="danger" onClick={() => setDeleting(true)}>
                Delete app registration
              </Button>
            </Card>
          )}
        </div>
        <div className="lg:col-span-2">
          <AzureSetupPanel info={info} profile={a.scopeProfile} />
        </div>
      </div>
      <ConfirmDialog
        open={deleting}
        title={`Delete ${a.displayName}?`}
        body="Mailboxes using it lose their app and stop refreshing tokens until you pick another."
        confirmText={a.displayName}
        isBusy={del.isPending}
        onConfirm={() => del.mutate()}
        onClose={() => setDeleting(false)}
      />
    </div>
  );
}
