"use client";
import Link from "next/link";
import { ago } from "@/lib/client/format";
import { Card, PageHeader } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { useOverview } from "@/lib/client/hooks/overview";
import { describe } from "@/lib/diagnostics/describe";

function Stat({ label, value, tone, href }: { label: string; value: number | string; tone?: "red" | "amber"; href?: string }) {
  const body = (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm hover:border-indigo-200">
      <div className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</div>
      <div
        className={`mt-1 text-2xl font-semibold ${tone === "red" ? "text-red-600" : tone === "amber" ? "text-amber-600" : "text-slate-900"}`}
      >
        {value}
      </div>
    </div>
  );
  return href ? <Link href={href}>{body}</Link> : body;
}

export function OverviewClient({ canAddTenant }: { canAddTenant: boolean }) {
  const q = useOverview({ refetchInterval: 10_000 });
  const o = q.data;
  return (
    <div>
      <PageHeader title="Overview" subtitle="Every customer tenant and mailbox, and what needs attention." />
      {!o ? (
        <p className="text-sm text-slate-500">{q.isError ? "Couldn't load the overview." : "Loading…"}</p>
      ) : o.tenants === 0 ? (
        <EmptyState
          title="Add your first tenant"
          body="Register a customer's Microsoft 365 tenant, then its Azure app, then connect mailboxes."
          action={
            canAddTenant ? (
              <Link className="rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white" href="/tenants/new">
                Add tenant
              </Link>
            ) : undefined
          }
        />
      ) : (
        <div className="space-y-6">
          <div className="grid grid-cols-2 gap-4 md:grid-cols-3 lg:grid-cols-6">
            <Stat label="Tenants" value={o.tenants} href="/tenants" />
            <Stat label="Mailboxes" value={o.mailboxes.total} href="/health" />
            <Stat label="Connected" value={o.mailboxes.connected} href="/health" />
            <Stat label="Failing" value={o.mailboxes.failing} tone={o.mailboxes.failing ? "red" : undefined} href="/health" />
            <Stat
              label="Need re-consent"
              value={o.mailboxes.needsReconsent}
              tone={o.mailboxes.needsReconsent ? "red" : undefined}
              href="/health"
            />
            <Stat
              label="Secrets expiring ≤ 30 d or rejected"
              value={o.secretsExpiringSoon + o.secretsRejected}
              tone={o.secretsRejected ? "red" : o.secretsExpiringSoon ? "amber" : undefined}
            />
          </div>
          <div className="grid gap-6 lg:grid-cols-3">
            <Card title="Worker" className="lg:col-span-1">
              {o.workers.alive > 0 ? (
                <p className="text-sm text-slate-700" data-testid="worker-status">
                  <Badge tone="green">Alive</Badge> {o.workers.alive} worker{o.workers.alive > 1 ? "s" : ""} · last heartbeat{" "}
                  {ago(o.workers.lastBeatAt)}
                </p>
              ) : (
                <p className="text-sm text-red-700" data-testid="worker-status">
                  No worker running. Mail isn&apos;t syncing and tokens aren&apos;t refreshed. Start one with <code>npm run worker</code>.
                </p>
              )}
              <p className="mt-3 text-sm text-slate-700" data-testid="outbound-status">
                Outbound: {o.outbound.pending} waiting to send
                {o.outbound.failed > 0 && (
                  <span className="text-red-700"> · {o.outbound.failed} failed (see each mailbox&apos;s Outbox)</span>
                )}
              </p>
              {o.webhookFailuresLast7Days > 0 && (
                <p className="mt-1 text-sm text-red-700">
                  {o.webhookFailuresLast7Days} webhook deliveries failed this week.{" "}
                  <Link href="/settings/webhooks" className="underline">
                    Webhooks
                  </Link>
                </p>
              )}
            </Card>
            <Card
              title="Recent events"
              className="lg:col-span-2"
              actions={
                <Link href="/events" className="text-sm text-indigo-700 hover:underline">
                  Event log
                </Link>
              }
            >
              {o.recentEvents.length === 0 ? (
                <p className="text-sm text-slate-500">Nothing has happened yet. Events appear here as mailboxes connect, sync and fail.</p>
              ) : (
                <ul className="divide-y divide-slate-100 text-sm">
                  {o.recentEvents.map((e) => (
                    <li key={e.id} className="flex items-start gap-3 py-2">
                      <Badge tone={e.level === "error" ? "red" : e.level === "warn" ? "amber" : "slate"}>{e.level}</Badge>
                      <div className="min-w-0 flex-1">
                        <div className="text-slate-800">{e.message}</div>
                        <div className="text-xs text-slate-500" title={`Code: ${e.code}`}>
                          {describe(e.code).isKnown ? describe(e.code).title : e.code} · {ago(e.createdAt)}
                        </div>
                      </div>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
          </div>
        </div>
      )}
    </div>
  );
}
