"use client";
import { useState } from "react";
import { dateTime } from "@/lib/client/format";
import { DataTable } from "@/components/data-table";
import { Button } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { useAudit } from "@/lib/client/hooks/audit";
import { useTenants } from "@/lib/client/hooks/tenants";

export function AuditClient() {
  const [f, setF] = useState({ action: "", actor: "", tenantId: "", from: "", to: "" });
  const filters = Object.fromEntries(Object.entries(f).filter(([, v]) => v));
  const tenants = useTenants();
  const q = useAudit(filters);
  const rows = q.data?.pages.flatMap((p) => p.entries) ?? [];
  const tenantName = (id: string | null) =>
    id ? (tenants.data?.tenants.find((t) => t.id === id)?.displayName ?? "(deleted tenant)") : "—";
  const input = "rounded-md border border-slate-300 px-2 py-1.5 text-sm";
  return (
    <div>
      <PageHeader title="Audit log" subtitle="Who changed what, and when." />
      <div className="mb-4 flex flex-wrap items-end gap-2">
        <input
          aria-label="Action"
          placeholder="Action (e.g. tenant.)"
          className={input}
          value={f.action}
          onChange={(e) => setF({ ...f, action: e.target.value })}
        />
        <input
          aria-label="Actor"
          placeholder="Actor email"
          className={input}
          value={f.actor}
          onChange={(e) => setF({ ...f, actor: e.target.value })}
        />
        <select aria-label="Tenant" className={input} value={f.tenantId} onChange={(e) => setF({ ...f, tenantId: e.target.value })}>
          <option value="">All tenants</option>
          {tenants.data?.tenants.map((t) => (
            <option key={t.id} value={t.id}>
              {t.displayName}
            </option>
          ))}
        </select>
        <label className="text-xs text-slate-500">
          From{" "}
          <input type="date" aria-label="From" className={input} value={f.from} onChange={(e) => setF({ ...f, from: e.target.value })} />
        </label>
        <label className="text-xs text-slate-500">
          To <input type="date" aria-label="To" className={input} value={f.to} onChange={(e) => setF({ ...f, to: e.target.value })} />
        </label>
      </div>
      <DataTable
        rows={rows}
        rowKey={(e) => e.id}
        initialSort={{ key: "when", dir: "desc" }}
        columns={[
          { key: "when", header: "When", cell: (e) => dateTime(e.createdAt), sortValue: (e) => e.createdAt },
          { key: "actor", header: "Who", cell: (e) => e.actorEmail, sortValue: (e) => e.actorEmail },
          { key: "action", header: "What", cell: (e) => <code className="text-xs">{e.action}</code>, sortValue: (e) => e.action },
          { key: "target", header: "Target", cell: (e) => `${e.targetType}${e.targetId ? ` ${e.targetId.slice(0, 8)}` : ""}` },
          { key: "tenant", header: "Tenant", cell: (e) => tenantName(e.tenantId) },
          {
            key: "detail",
            header: "Detail",
            cell: (e) => <span className="font-mono text-xs text-slate-500">{e.detail ? JSON.stringify(e.detail).slice(0, 120) : ""}</span>,
          },
        ]}
        empty={
          <EmptyState title={q.isLoading ? "Loading…" : "No audit entries match"} body="Every change made in Consentry is recorded here." />
        }
      />
      {q.hasNextPage && (
        <div className="mt-4">
          <Button variant="secondary" isBusy={q.isFetchingNextPage} onClick={() => q.fetchNextPage()}>
            Load more
          </Button>
        </div>
      )}
    </div>
  );
}
