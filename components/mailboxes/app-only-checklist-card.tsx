"use client";
// The app-only checklist: a mailbox whose app connects with its own identity (no user sign-in).
// Each step is checked live and can be checked again; the PowerShell is filled with this tenant's
// app id, the enterprise application's object id (from the app token's oid) and the mailbox.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api-client";
import { mailboxKeys, tenantKeys } from "@/lib/client/query-keys";
import { useAppOnlyChecklist, type TAppOnlyChecklist } from "@/lib/client/hooks/app-only";
import { dateTime, until } from "@/lib/client/format";
import { isNavigableSignInUrl } from "@/lib/microsoft/trusted-endpoint";
import { tenantApi } from "@/lib/client/api/tenants";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CopyButton, CopyField } from "@/components/ui/copy-button";
import { toast } from "@/components/ui/toaster";
import { DiagnosisBox } from "@/components/diagnosis-box";

type TStepId = TAppOnlyChecklist["steps"][number]["id"];

function Commands({ items }: { items: { label: string; command: string }[] }) {
  return (
    <ul className="space-y-2">
      {items.map((c) => (
        <li key={c.command}>
          <div className="text-xs text-slate-500">{c.label}</div>
          <div className="mt-1 flex items-start gap-2">
            <code
              className="min-w-0 flex-1 whitespace-pre-wrap break-all rounded bg-slate-900 px-2 py-1 text-xs text-slate-100"
              data-testid="powershell"
            >
              {c.command}
            </code>
            <CopyButton value={c.command} />
          </div>
        </li>
      ))}
    </ul>
  );
}

export function AppOnlyChecklistCard({
  tenantId,
  mailboxId,
  appRegistrationId,
  canConnect,
}: {
  tenantId: string;
  mailboxId: string;
  appRegistrationId: string;
  canConnect: boolean;
}) {
  const qc = useQueryClient();
  const q = useAppOnlyChecklist(tenantId, mailboxId);
  const [outside, setOutside] = useState<string | null>(null);
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const check = useMutation({
    mutationFn: (step: TStepId) =>
      apiFetch<{ checklist: TAppOnlyChecklist }>(`/api/tenants/${tenantId}/mailboxes/${mailboxId}/app-only`, {
        method: "POST",
        body: { step, ...(outside !== null ? { outsideAddress: outside.trim() || null } : {}) },
      }),
    onSuccess: async (r) => {
      qc.setQueryData(mailboxKeys.appOnly(tenantId, mailboxId), r);
      await qc.invalidateQueries({ queryKey: mailboxKeys.detail(tenantId, mailboxId) });
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const createLink = useMutation({
    mutationFn: () => tenantApi.createAdminConsentLink(tenantId, appRegistrationId),
    onSuccess: (r) => setLink(r.link),
    onError: (e: Error) => toast(e.message, "error"),
  });
  const grantNow = useMutation({
    mutationFn: () => tenantApi.startAdminConsent(tenantId, appRegistrationId),
    onSuccess: async (r) => {
      await qc.invalidateQueries({ queryKey: tenantKeys.detail(tenantId) });
      if (isNavigableSignInUrl(r.url)) window.location.assign(r.url);
      else toast("Consentry refused to open a sign-in address that isn't Microsoft's.", "error");
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const c = q.data?.checklist;
  if (!c) return <Card title="App-only checklist">{q.isError ? "Couldn't load the checklist." : "Loading…"}</Card>;
  const runBtn = (id: TStepId) =>
    canConnect && (
      <Button
        variant="secondary"
        isBusy={check.isPending && check.variables === id}
        disabled={check.isPending}
        onClick={() => check.mutate(id)}
      >
        {c.steps.find((s) => s.id === id)?.result ? "Check again" : "Check now"}
      </Button>
    );
  return (
    <Card title="App-only checklist" actions={c.allOk ? <Badge tone="green">All checks pass</Badge> : undefined}>
      <p className="mb-4 text-sm text-slate-600">
        {c.appName} connects to {c.mailbox} with its own identity ({c.profile === "graph_app_only" ? "Microsoft Graph" : "IMAP/POP/SMTP"},
        no user signs in). Nobody&apos;s password reset, MFA change or departure can break it.
      </p>
      <ol className="space-y-5" data-testid="app-only-checklist">
        {c.steps.map((s, i) => (
          <li key={s.id} className="rounded-md border border-slate-200 p-4" data-testid={`app-only-step-${s.id}`}>
            <div className="flex items-start justify-between gap-3">
              <div className="font-medium text-slate-800">
                {i + 1}. {s.title}{" "}
                {s.result ? (
                  <Badge tone={s.result.ok ? "green" : "red"}>{s.result.ok ? "Passed" : "Failed"}</Badge>
                ) : (
                  <Badge tone="slate">Not checked yet</Badge>
                )}
              </div>
              {runBtn(s.id)}
            </div>
            {s.result && (
              <p className="mt-2 text-sm text-slate-600" data-testid="app-only-step-detail">
                {s.result.detail} <span className="text-xs text-slate-400">({dateTime(s.result.at)})</span>
              </p>
            )}
            {s.result?.warning && <p className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800">{s.result.warning}</p>}
            {s.result && !s.result.ok && s.result.diagnosis && (
              <div className="mt-2">
                <DiagnosisBox d={s.result.diagnosis} />
              </div>
            )}
            {s.id === "consent" && (
              <div className="mt-3 space-y-2 text-sm text-slate-600">
                <p>
                  The customer&apos;s admin consents once to the app&apos;s application permissions
                  {c.requiredRoles.length ? ` (${c.requiredRoles.join(", ")})` : ""}. The check asks Microsoft for the app&apos;s token and
                  reads its roles.
                </p>
                {canConnect && (
                  <div className="flex flex-wrap gap-2">
                    <Button variant="secondary" isBusy={createLink.isPending} onClick={() => createLink.mutate()}>
                      Organization consent link
                    </Button>
                    <Button variant="ghost" isBusy={grantNow.isPending} onClick={() => grantNow.mutate()}>
                      I&apos;m the admin: grant now
                    </Button>
                  </div>
                )}
                {link && (
                  <div className="rounded-md bg-slate-50 p-3" data-testid="app-only-consent-link">
                    <CopyField label="Send this link to the customer's admin" value={link.url} />
                    <p className="mt-1 text-xs text-slate-500">Works until consent is granted, expires {dateTime(link.expiresAt)}.</p>
                  </div>
                )}
              </div>
            )}
            {s.id === "exchange" && (
              <div className="mt-3 space-y-3 text-sm text-slate-600">
                <p>
                  Entra consent isn&apos;t enough: Exchange Online must know the app&apos;s service principal and let it into this mailbox.
                  Run in Exchange Online PowerShell (Connect-ExchangeOnline). The object id is the enterprise application&apos;s (from the
                  app&apos;s token), not the app registration&apos;s.
                </p>
                <Commands items={[...c.powershell.register, ...c.powershell.mailboxPermission]} />
                <details>
                  <summary className="cursor-pointer text-slate-700">Sending only, scoped with RBAC for Applications instead</summary>
                  <div className="mt-2">
                    <Commands items={c.powershell.rbac} />
                  </div>
                </details>
              </div>
            )}
            {s.id === "graph_scope" && (
              <div className="mt-3 space-y-3 text-sm text-slate-600">
                <p className="rounded-md bg-amber-50 px-3 py-2 text-amber-900">
                  Without a scope, an app with Graph application permissions reads <strong>every</strong> mailbox in the tenant. Limit it
                  with RBAC for Applications: consent no Mail permission in Entra (an Entra consent is tenant-wide and a scope doesn&apos;t
                  narrow it), and grant the Exchange role within a management scope.
                </p>
                <Commands items={[...c.powershell.register, ...c.powershell.rbac, ...c.powershell.verify]} />
                <p className="text-xs text-slate-500">
                  The old way, Application Access Policies (New-ApplicationAccessPolicy), is deprecated: use RBAC for Applications.
                </p>
                <label className="block">
                  <span className="text-xs font-medium uppercase tracking-wide text-slate-500">
                    A mailbox the app must NOT read (proves the scope)
                  </span>
                  <input
                    className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
                    placeholder={`someone.else@${c.mailbox.split("@")[1] ?? "customer.com"}`}
                    value={outside ?? c.outsideAddress ?? ""}
                    onChange={(e) => setOutside(e.target.value)}
                    aria-label="Mailbox outside the scope"
                  />
                </label>
              </div>
            )}
          </li>
        ))}
      </ol>
      <div className="mt-5" data-testid="app-token-panel">
        <div className="text-xs font-medium uppercase tracking-wide text-slate-500">App token (the value is never shown)</div>
        {c.tokens.length === 0 ? (
          <p className="mt-1 text-sm text-slate-500">No app token yet: check step 1.</p>
        ) : (
          <table className="mt-1 w-full text-left text-sm">
            <thead className="text-xs text-slate-500">
              <tr>
                <th className="py-1">Resource</th>
                <th>Roles</th>
                <th>Expires</th>
                <th>Last issued</th>
              </tr>
            </thead>
            <tbody>
              {c.tokens.map((t) => (
                <tr key={t.resource} className="border-t border-slate-100">
                  <td className="py-1">{t.resource}</td>
                  <td>{t.roles.join(", ") || "none"}</td>
                  <td>{t.expiresAt ? until(t.expiresAt) : "—"}</td>
                  <td>
                    {t.lastRefreshAt ? dateTime(t.lastRefreshAt) : "—"}
                    {t.lastErrorCode && <span className="ml-2 text-red-700">last error: {t.lastErrorCode}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {c.spObjectId && (
          <div className="mt-2">
            <CopyField label="Enterprise application (service principal) object id" value={c.spObjectId} />
          </div>
        )}
      </div>
    </Card>
  );
}
