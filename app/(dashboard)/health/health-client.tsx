"use client";
import { ago } from "@/lib/client/format";
import { DataTable } from "@/components/data-table";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/card";
import { SupportBundleButton } from "@/components/support/support-bundle-button";
import { HealthTrendChart } from "@/components/health/health-trend-chart";
import { TestAll } from "@/components/health/test-all";
import { EmptyState } from "@/components/ui/empty-state";
import { useAllMailboxes } from "@/lib/client/hooks/mailboxes";
import { HealthMatrix } from "@/components/health/health-matrix";
import { describe } from "@/lib/diagnostics/describe";

const STATES = ["pending_consent", "connected", "degraded", "failing", "needs_reconsent", "disabled"];
const SEVERITY = ["needs_reconsent", "failing", "degraded", "pending_consent", "connected", "disabled"];

const TESTABLE = ["connected", "degraded", "failing"];

export function HealthClient({ canTest }: { canTest: boolean }) {
  const q = useAllMailboxes({ refetchInterval: 15_000 });
  const testable = (q.data?.mailboxes ?? []).filter((m) => m.grant && TESTABLE.includes(m.state));
  return (
    <div>
      <PageHeader
        title="Health"
        subtitle="Every mailbox across your tenants, failing ones first, with its last connection test."
        actions={
          <div className="flex flex-col items-end gap-2">
            {canTest && <TestAll targets={testable} />}
            <SupportBundleButton compact />
          </div>
        }
      />
      <div className="mb-6">
        <HealthTrendChart />
      </div>
      {!q.isLoading && (
        <section className="mb-8">
          <h2 className="mb-2 text-sm font-semibold text-slate-900">Checks at a glance</h2>
          <HealthMatrix rows={q.data?.mailboxes ?? []} />
        </section>
      )}
      {q.isLoading ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : (
        <DataTable
          testId="health-list"
          rows={q.data?.mailboxes ?? []}
          rowKey={(m) => m.id}
          rowHref={(m) => `/tenants/${m.tenantId}/mailboxes/${m.id}`}
          filterText={(m) => `${m.address} ${m.tenantName} ${m.stateCode ?? ""} ${describe(m.stateCode)?.title ?? ""}`}
          filterPlaceholder="Filter by mailbox, tenant or diagnosis"
          selectFilters={[
            {
              key: "state",
              label: "State",
              options: STATES.map((s) => ({ value: s, label: s === "disabled" ? "paused" : s.replace("_", " ") })),
              match: (m, v) => m.state === v,
            },
          ]}
          columns={[
            { key: "address", header: "Mailbox", cell: (m) => m.address, sortValue: (m) => m.address },
            { key: "tenant", header: "Tenant", cell: (m) => m.tenantName, sortValue: (m) => m.tenantName },
            { key: "state", header: "State", cell: (m) => <StatusBadge state={m.state} />, sortValue: (m) => SEVERITY.indexOf(m.state) },
            {
              key: "diag",
              header: "Diagnosis",
              cell: (m) =>
                m.stateCode ? (
                  <span title={`Code: ${m.stateCode}`} data-testid={`diagnosis-${m.address}`}>
                    <Badge tone="red">{describe(m.stateCode)?.title}</Badge>
                  </span>
                ) : (
                  "—"
                ),
            },
            {
              key: "checks",
              header: "Last test",
              cell: (m) =>
                m.checks ? (
                  <span className="flex flex-wrap gap-1" title={`Tested ${ago(m.checks.at)}`} data-testid={`checks-${m.address}`}>
                    {m.checks.steps.map((s, i) => (
                      <Badge key={i} tone={s.ok ? "green" : "red"}>
                        <span className="whitespace-nowrap">
                          {s.step === "token" ? "token" : s.protocol.toUpperCase()} {s.ok ? "✓" : "✗"}
                        </span>
                      </Badge>
                    ))}
                  </span>
                ) : (
                  <span className="text-xs text-slate-400">not tested</span>
                ),
              sortValue: (m) => (m.checks ? m.checks.steps.filter((s) => !s.ok).length : -1),
            },
            { key: "proto", header: "In / out", cell: (m) => `${m.inbound} / ${m.outbound}` },
            {
              key: "refresh",
              header: "Last token refresh",
              cell: (m) => ago(m.grant?.lastRefreshAt),
              sortValue: (m) => m.grant?.lastRefreshAt ?? "",
            },
            { key: "sync", header: "Last sync", cell: (m) => ago(m.lastSyncAt), sortValue: (m) => m.lastSyncAt ?? "" },
          ]}
          empty={<EmptyState title="No mailboxes connected yet" body="Open a tenant to add a mailbox and connect it." />}
        />
      )}
    </div>
  );
}
