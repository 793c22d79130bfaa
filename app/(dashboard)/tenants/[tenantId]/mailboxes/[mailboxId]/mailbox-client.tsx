"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api-client";
import { mailboxKeys, tenantKeys } from "@/lib/client/query-keys";
import type { TMailbox, TTestStep, TConnectionTest } from "@/lib/client/wire-types";
import { ago, dateTime, until } from "@/lib/client/format";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { SupportBundleButton } from "@/components/support/support-bundle-button";
import { CopyField } from "@/components/ui/copy-button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toaster";
import { DiagnosisBox, type TDiagnosisView } from "@/components/diagnosis-box";
import { EmailLinkForm } from "@/components/consent/email-link-form";
import { OutboxCard } from "@/components/mailboxes/outbox-card";
import { useMailbox, useMailboxMessages } from "@/lib/client/hooks/mailboxes";

const STEP_LABEL = { token: "Token", inbound: "Receive", outbound: "Send" } as const;

function StepList({ steps }: { steps: TTestStep[] }) {
  return (
    <ul className="space-y-2 text-sm">
      {steps.map((s, i) => (
        <li key={i} data-testid={`test-step-${s.protocol}-${s.ok ? "ok" : "failed"}`}>
          <div className="flex items-center gap-2">
            <Badge tone={s.ok ? "green" : "red"}>{s.ok ? "pass" : "fail"}</Badge>
            <span className="font-medium">{STEP_LABEL[s.step]} · {s.protocol.toUpperCase()}</span>
            <span className="text-xs text-slate-500">{s.ms} ms</span>
          </div>
          <p className="ml-1 mt-1 text-slate-600">{s.detail}</p>
          {s.diagnosis && <DiagnosisBox d={s.diagnosis} />}
        </li>
      ))}
    </ul>
  );
}

export function MailboxClient({ tenantId, tenantName, mailboxId, canConnect }: { tenantId: string; tenantName: string; mailboxId: string; canConnect: boolean }) {
  const router = useRouter();
  const params = useSearchParams();
  const qc = useQueryClient();
  const q = useMailbox(tenantId, mailboxId, { refetchInterval: 10_000 });
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const [deleting, setDeleting] = useState(false);
  const connect = useMutation({
    mutationFn: () => apiFetch<{ url: string }>(`/api/tenants/${tenantId}/mailboxes/${mailboxId}/connect`, { method: "POST" }),
    onSuccess: (r) => window.location.assign(r.url),
    onError: (e: Error) => toast(e.message, "error"),
  });
  const sendLink = useMutation({
    mutationFn: () => apiFetch<{ link: { url: string; expiresAt: string } }>(`/api/tenants/${tenantId}/mailboxes/${mailboxId}/consent-links`, { method: "POST", body: {} }),
    onSuccess: (r) => setLink(r.link),
    onError: (e: Error) => toast(e.message, "error"),
  });
  const [refreshResult, setRefreshResult] = useState<{ ok: boolean; diagnosis?: TDiagnosisView } | null>(null);
  const refreshNow = useMutation({
    mutationFn: () => apiFetch<{ ok: boolean; diagnosis?: TDiagnosisView }>(`/api/tenants/${tenantId}/mailboxes/${mailboxId}/refresh`, { method: "POST" }),
    onSuccess: async (r) => {
      setRefreshResult(r);
      if (r.ok) toast("Token refreshed.");
      await qc.invalidateQueries({ queryKey: mailboxKeys.detail(tenantId, mailboxId) });
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const testNow = useMutation({
    mutationFn: () => apiFetch<{ result: TConnectionTest }>(`/api/tenants/${tenantId}/mailboxes/${mailboxId}/test`, { method: "POST" }),
    onSuccess: async (r) => {
      toast(r.result.ok ? "Connection test passed." : "Connection test failed.", r.result.ok ? "success" : "error");
      await qc.invalidateQueries({ queryKey: mailboxKeys.detail(tenantId, mailboxId) });
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const [testTo, setTestTo] = useState<string | null>(null);
  const [emailResult, setEmailResult] = useState<TConnectionTest | null>(null);
  const testEmail = useMutation({
    mutationFn: (to: string) => apiFetch<{ result: TConnectionTest }>(`/api/tenants/${tenantId}/mailboxes/${mailboxId}/test-email`, { method: "POST", body: { to } }),
    onSuccess: async (r) => {
      setEmailResult(r.result);
      toast(r.result.ok ? "Test email went through." : "The test email failed.", r.result.ok ? "success" : "error");
      await qc.invalidateQueries({ queryKey: mailboxKeys.detail(tenantId, mailboxId) });
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const del = useMutation({
    mutationFn: () => apiFetch(`/api/tenants/${tenantId}/mailboxes/${mailboxId}`, { method: "DELETE" }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: mailboxKeys.all });
      await qc.invalidateQueries({ queryKey: tenantKeys.all });
      toast("Mailbox removed.");
      router.push(`/tenants/${tenantId}`);
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const data = q.data;
  if (!data) return <p className="text-sm text-slate-500">{q.isError ? "Couldn't load the mailbox." : "Loading…"}</p>;
  const m = data.mailbox;
  const g = m.grant;
  const signer = m.kind === "shared" ? m.delegateUpn : m.address;
  return (
    <div className="space-y-6">
      <PageHeader
        title={m.address}
        subtitle={m.kind === "shared" ? `Shared mailbox · delegate ${m.delegateUpn}` : "User mailbox"}
        actions={
          <>
            <StatusBadge state={m.state} />
            <Link className="text-sm text-slate-600 hover:underline" href={`/tenants/${tenantId}`}>{tenantName}</Link>
          </>
        }
      />
      {params.get("connected") && g && m.state !== "needs_reconsent" && (
        <p className="rounded-md bg-emerald-50 px-4 py-3 text-sm text-emerald-800" data-testid="connected-banner">
          Connected as {g?.upn}. The first sync starts now.
        </p>
      )}
      {data.conflicts.visible.length > 0 && (
        <div className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900" role="alert" data-testid="folder-conflict">
          <div className="font-medium">Another configuration reads {m.folder} of this mailbox, and one of them moves or deletes what it processes</div>
          <p className="mt-1">Each will take mail away from the other (for example a test and a production helpdesk on one folder). Give each its own folder, or set both to keep.</p>
          <ul className="mt-2 list-disc pl-5">
            {data.conflicts.visible.map((c) => (
              <li key={c.id}>
                <Link className="underline" href={`/tenants/${c.tenantId}/mailboxes/${c.id}`}>{c.tenantName}</Link> (after processing: {c.afterProcessing.replace("_", " ")})
              </li>
            ))}
          </ul>
        </div>
      )}
      {data.diagnosis && (
        <DiagnosisBox
          d={data.diagnosis}
          actions={
            canConnect && (
              <>
                {data.diagnosis.action === "send_reconsent_link" && (
                  <>
                    <Button isBusy={sendLink.isPending} onClick={() => sendLink.mutate()}>Send re-consent link</Button>
                    <Button variant="secondary" isBusy={connect.isPending} onClick={() => connect.mutate()}>Re-connect now</Button>
                  </>
                )}
                {data.diagnosis.action === "test_again" && <Button isBusy={testNow.isPending} onClick={() => testNow.mutate()}>Test again</Button>}
                {(data.diagnosis.action === "rotate_secret" || data.diagnosis.action === "fix_redirect_uri") && m.appRegistrationId && (
                  <Link className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700" href={`/tenants/${tenantId}/apps/${m.appRegistrationId}`}>{data.diagnosis.action === "rotate_secret" ? "Rotate secret" : "Open the app's redirect URI"}</Link>
                )}
                {data.diagnosis.action === "request_org_consent" && <Link className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700" href={`/tenants/${tenantId}`}>Request organization consent</Link>}
                {data.diagnosis.retryable && g && <Button variant="secondary" isBusy={refreshNow.isPending} onClick={() => refreshNow.mutate()}>Retry now</Button>}
              </>
            )
          }
        />
      )}
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Card
            title="Connection"
            actions={
              canConnect && (
                <>
                  <Button isBusy={connect.isPending} onClick={() => connect.mutate()}>{g ? "Re-connect" : "Connect"}</Button>
                  <Button variant="secondary" isBusy={sendLink.isPending} onClick={() => sendLink.mutate()}>Send consent link</Button>
                </>
              )
            }
          >
            <p className="text-sm text-slate-600">
              {g ? "Re-connect keeps this mailbox, its settings, sync position and history; only the token set is replaced." : `Connect sends you to Microsoft's sign-in with ${signer} pre-filled. Only ${signer} may sign in; any other account is refused.`}
            </p>
            {canConnect && m.appRegistrationId && (
              <div className="mt-4">
                <EmailLinkForm endpoint={`/api/tenants/${tenantId}/mailboxes/${mailboxId}/consent-links`} body={{}} defaultTo={signer ?? ""} onLink={setLink} />
              </div>
            )}
            {link && (
              <div className="mt-4 rounded-md bg-slate-50 p-3" data-testid="consent-link">
                <CopyField label={`Consent link for ${signer}`} value={link.url} />
                <p className="mt-1 text-xs text-slate-500">Single use, expires {dateTime(link.expiresAt)}. Opens without a Consentry account.</p>
              </div>
            )}
          </Card>
          <Card title="Connection test" actions={canConnect && g && <Button variant="secondary" isBusy={testNow.isPending} onClick={() => testNow.mutate()}>Test connection</Button>}>
            {testNow.isPending && <div className="mb-3 h-1.5 overflow-hidden rounded bg-slate-100" role="progressbar" aria-label="Testing"><div className="h-full w-1/3 animate-pulse rounded bg-sky-500" /></div>}
            {data.lastTest ? (
              <div data-testid="connection-test">
                <p className="mb-2 text-xs text-slate-500">Last run {dateTime(data.lastTest.at)}</p>
                <StepList steps={data.lastTest.steps} />
              </div>
            ) : (
              <p className="text-sm text-slate-500">{g ? "No test yet. Test connection signs in over each protocol this mailbox uses." : "Connect the mailbox first; a test runs right after."}</p>
            )}
            {canConnect && g && m.outbound !== "none" && (
              <form
                className="mt-5 border-t border-slate-100 pt-4"
                onSubmit={(e) => {
                  e.preventDefault();
                  testEmail.mutate(testTo ?? m.address);
                }}
              >
                <div className="flex flex-wrap items-end gap-2">
                  <label className="min-w-64 flex-1 text-sm">
                    <span className="mb-1 block text-slate-600">Send a test email to</span>
                    <input type="email" required aria-label="Test email recipient" value={testTo ?? m.address} onChange={(e) => setTestTo(e.target.value)} className="w-full rounded-md border border-slate-300 px-2 py-1.5" />
                  </label>
                  <Button type="submit" variant="secondary" isBusy={testEmail.isPending}>Send test email</Button>
                </div>
                <p className="mt-1 text-xs text-slate-500">Sent to the mailbox itself, Consentry also waits for it to arrive in {m.folder}.</p>
                {testEmail.isPending && <div className="mt-3 h-1.5 overflow-hidden rounded bg-slate-100" role="progressbar" aria-label="Sending"><div className="h-full w-1/3 animate-pulse rounded bg-sky-500" /></div>}
                {emailResult && !testEmail.isPending && (
                  <div className="mt-3" data-testid="test-email-result">
                    <StepList steps={emailResult.steps} />
                  </div>
                )}
              </form>
            )}
          </Card>
          <MessagesCard tenantId={tenantId} mailboxId={mailboxId} m={m} canSync={canConnect} />
          <OutboxCard tenantId={tenantId} mailboxId={mailboxId} outbound={m.outbound} state={m.state} canAct={canConnect} />
          <Card title="Token" actions={canConnect && g && <Button variant="secondary" isBusy={refreshNow.isPending} onClick={() => refreshNow.mutate()}>Refresh token now</Button>}>
            {refreshResult?.ok && <p className="mb-3 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800" data-testid="refresh-ok">Microsoft issued a fresh token.</p>}
            {refreshResult && !refreshResult.ok && refreshResult.diagnosis && <DiagnosisBox d={refreshResult.diagnosis} />}
            {g ? (
              <dl className="grid grid-cols-[auto,1fr] gap-x-6 gap-y-2 text-sm" data-testid="token-panel">
                <dt className="text-slate-500">Authorized as</dt>
                <dd className="font-medium">{g.upn}</dd>
                <dt className="text-slate-500">Scopes</dt>
                <dd className="flex flex-wrap gap-1">{g.scopes.map((s) => <Badge key={s}>{s.replace(/^https:\/\/[^/]+\//, "")}</Badge>)}</dd>
                <dt className="text-slate-500">Access token</dt>
                <dd>{g.accessTokenExpiresAt ? (new Date(g.accessTokenExpiresAt) > new Date() ? `valid for ${until(g.accessTokenExpiresAt)}` : "expired (refreshed on next use)") : "—"}</dd>
                <dt className="text-slate-500">Last refresh</dt>
                <dd>{ago(g.lastRefreshAt)}</dd>
                <dt className="text-slate-500">Refresh token age</dt>
                <dd>{g.refreshTokenAgeDays} days <span className="text-xs text-slate-500">(Microsoft expires it after 90 days unused; Consentry refreshes weekly)</span></dd>
                {g.refreshFailures > 0 && (
                  <>
                    <dt className="text-slate-500">Refresh failures</dt>
                    <dd><Badge tone="red">{g.refreshFailures} · {g.lastErrorCode}</Badge></dd>
                  </>
                )}
              </dl>
            ) : (
              <p className="text-sm text-slate-500">Not connected yet.</p>
            )}
          </Card>
          <Card
            title="Log"
            actions={
              <a href={`/events?tenantId=${tenantId}&mailboxId=${m.id}`} className="text-sm text-indigo-700 hover:underline">
                Full event log
              </a>
            }
          >
            {data.events.length === 0 ? (
              <p className="text-sm text-slate-500">No events yet.</p>
            ) : (
              <ul className="divide-y divide-slate-100 text-sm">
                {data.events.map((e) => (
                  <li key={e.id} className="flex gap-3 py-2">
                    <Badge tone={e.level === "error" ? "red" : e.level === "warn" ? "amber" : "slate"}>{e.level}</Badge>
                    <div>
                      <div>{e.message}</div>
                      <div className="text-xs text-slate-500">{e.code} · {dateTime(e.createdAt)}</div>
                    </div>
                  </li>
                ))}
              </ul>
            )}
            <div className="mt-3 border-t border-slate-100 pt-3">
              <SupportBundleButton tenantId={tenantId} mailboxId={m.id} compact />
            </div>
          </Card>
        </div>
        <div className="space-y-6">
          <Card title="Settings">
            <dl className="grid grid-cols-[auto,1fr] gap-x-4 gap-y-2 text-sm">
              <dt className="text-slate-500">Inbound</dt>
              <dd>{m.inbound}</dd>
              <dt className="text-slate-500">Outbound</dt>
              <dd>{m.outbound}</dd>
              <dt className="text-slate-500">Folder</dt>
              <dd>{m.folder}</dd>
              <dt className="text-slate-500">After processing</dt>
              <dd>{m.afterProcessing === "move" ? `move to ${m.moveToFolder}` : m.afterProcessing === "delete" ? <Badge tone="red">delete</Badge> : m.afterProcessing.replace("_", " ")}</dd>
              <dt className="text-slate-500">Last sync</dt>
              <dd>{ago(m.lastSyncAt)}</dd>
              {m.inbound !== "none" && (
                <>
                  <dt className="text-slate-500">New mail</dt>
                  <dd data-testid="push-status">
                    {data.push
                      ? `Pushed by Graph (subscription until ${dateTime(data.push.expiresAt)}; last notice ${ago(data.push.lastNotificationAt)})`
                      : data.idle
                        ? "Pushed by IMAP IDLE (a worker holds the folder open)"
                        : m.inbound === "graph" || m.inbound === "imap"
                          ? "Polled every minute (push starts once a worker picks it up)"
                          : "Polled every minute"}
                  </dd>
                </>
              )}
            </dl>
          </Card>
          {canConnect && (
            <Card title="Danger zone">
              <Button variant="danger" onClick={() => setDeleting(true)}>Remove mailbox</Button>
            </Card>
          )}
        </div>
      </div>
      <ConfirmDialog open={deleting} title={`Remove ${m.address}?`} body="Its token set and stored mail are deleted from Consentry. Nothing changes in Microsoft 365." confirmText={m.address} confirmLabel="Remove" isBusy={del.isPending} onConfirm={() => del.mutate()} onClose={() => setDeleting(false)} />
    </div>
  );
}


// The sync's progress (first sync of a big folder takes a while) and the newest messages pulled.
function MessagesCard({ tenantId, mailboxId, m, canSync }: { tenantId: string; mailboxId: string; m: TMailbox; canSync: boolean }) {
  const [q, setQ] = useState("");
  const qc = useQueryClient();
  const syncNow = useMutation({
    mutationFn: () => apiFetch(`/api/tenants/${tenantId}/mailboxes/${mailboxId}/sync`, { method: "POST" }),
    onSuccess: () => {
      toast("Sync requested: a worker picks it up within seconds.");
      setTimeout(() => void qc.invalidateQueries({ queryKey: mailboxKeys.detail(tenantId, mailboxId) }), 4000);
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const p = m.syncProgress;
  const running = !!p && !p.finishedAt && p.total > 0;
  const list = useMailboxMessages(tenantId, mailboxId, q, {
    refetchInterval: running ? 2_000 : 15_000,
    enabled: m.inbound !== "none",
  });
  if (m.inbound === "none") return null;
  const pct = p && p.total > 0 ? Math.round((100 * p.done) / p.total) : 0;
  return (
    <Card
      title="Mail"
      actions={
        <div className="flex items-center gap-3">
          {list.data && <span className="text-sm text-slate-500" data-testid="message-total">{list.data.total} stored</span>}
          {canSync && m.grant && <Button variant="secondary" isBusy={syncNow.isPending} onClick={() => syncNow.mutate()}>Sync now</Button>}
        </div>
      }
    >
      {running && (
        <div className="mb-4" data-testid="sync-progress">
          <div className="mb-1 flex justify-between text-xs text-slate-600"><span>Syncing {m.folder}…</span><span>{p!.done} of {p!.total}</span></div>
          <div className="h-2 overflow-hidden rounded bg-slate-100" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label="Sync progress"><div className="h-full rounded bg-indigo-500 transition-all" style={{ width: `${pct}%` }} /></div>
        </div>
      )}
      {!m.grant ? (
        <p className="text-sm text-slate-500">Connect the mailbox; the worker starts syncing {m.folder} within seconds.</p>
      ) : !list.data ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : list.data.total === 0 && !q ? (
        <p className="text-sm text-slate-500">{m.lastSyncAt ? `${m.folder} was empty at the last sync (${ago(m.lastSyncAt)}).` : "Waiting for the first sync. Is a worker running? (Health → workers)"}</p>
      ) : (
        <>
          <input aria-label="Filter messages" placeholder="Filter by subject or sender" value={q} onChange={(e) => setQ(e.target.value)} className="mb-3 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm" />
          <ul className="divide-y divide-slate-100 text-sm" data-testid="message-list">
            {list.data.messages.map((x) => (
              <li key={x.id} className="flex items-baseline justify-between gap-3 py-1.5">
                <div className="min-w-0">
                  <div className="truncate font-medium">{x.subject ?? "(no subject)"}</div>
                  <div className="truncate text-xs text-slate-500">{x.fromAddress ?? "unknown sender"}</div>
                </div>
                <div className="shrink-0 text-xs text-slate-500">{dateTime(x.receivedAt)}</div>
              </li>
            ))}
          </ul>
          {list.data.messages.length === 0 && <p className="text-sm text-slate-500">No message matches.</p>}
        </>
      )}
    </Card>
  );
}
