"use client";
import { useState } from "react";
import { dateTime } from "@/lib/client/format";
import { DataTable } from "@/components/data-table";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { EventTrendChart } from "@/components/support/event-trend-chart";
import { SupportBundleButton } from "@/components/support/support-bundle-button";
import { useEventTrend, useEvents } from "@/lib/client/hooks/events";
import { useTenants } from "@/lib/client/hooks/tenants";

const LEVEL_TONE = { debug: "slate", info: "blue", warn: "amber", error: "red" } as const;

type TInitial = { tenantId?: string; mailboxId?: string; level?: "debug" | "info" | "warn" | "error" };

export function EventsClient({ initial }: { initial: TInitial }) {
  const [f, setF] = useState({
    level: initial.level ?? "",
    tenantId: initial.tenantId ?? "",
    mailboxId: initial.mailboxId ?? "",
    code: "",
    q: "",
    from: "",
    to: "",
  });
  const filters = Object.fromEntries(Object.entries(f).filter(([, v]) => v)) as Record<string, string>;
  const scopeFilters = Object.fromEntries(Object.entries({ tenantId: f.tenantId, mailboxId: f.mailboxId }).filter(([, v]) => v)) as Record<
    string,
    string
  >;
  const tenants = useTenants();
  const trend = useEventTrend(scopeFilters);
  const q = useEvents(filters, { refetchInterval: 15_000 });
  const rows = q.data?.pages.flatMap((p) => p.events) ?? [];
  const input = "rounded-md border border-slate-300 px-2 py-1.5 text-sm";
  const mailboxLabel = f.mailboxId ? (rows.find((r) => r.mailboxId === f.mailboxId)?.mailboxAddress ?? "one mailbox") : null;
  return (
    <div className="space-y-4">
      <PageHeader
        title="Event log"
        subtitle="What the worker, connection tests and consent flows recorded, newest first. Evidence is redacted before it is stored."
      />
      {trend.data && <EventTrendChart days={trend.data.days} />}
      <SupportBundleButton tenantId={f.tenantId || undefined} mailboxId={f.mailboxId || undefined} />
      <div className="flex flex-wrap items-end gap-2">
        <select aria-label="Minimum level" className={input} value={f.level} onChange={(e) => setF({ ...f, level: e.target.value })}>
          <option value="">All levels (debug and up)</option>
          <option value="info">Info and up</option>
          <option value="warn">Warnings and errors</option>
          <option value="error">Errors only</option>
        </select>
        <select
          aria-label="Tenant"
          className={input}
          value={f.tenantId}
          onChange={(e) => setF({ ...f, tenantId: e.target.value, mailboxId: "" })}
        >
          <option value="">All tenants</option>
          {tenants.data?.tenants.map((t) => (
            <option key={t.id} value={t.id}>
              {t.displayName}
            </option>
          ))}
        </select>
        {f.mailboxId && (
          <button
            type="button"
            className="rounded-full bg-indigo-50 px-3 py-1 text-xs text-indigo-700 ring-1 ring-indigo-200"
            onClick={() => setF({ ...f, mailboxId: "" })}
            title="Show every mailbox"
          >
            Mailbox: {mailboxLabel} ✕
          </button>
        )}
        <input
          aria-label="Code"
          placeholder="Code (e.g. smtp_auth)"
          className={input}
          value={f.code}
          onChange={(e) => setF({ ...f, code: e.target.value })}
        />
        <input
          aria-label="Search messages"
          placeholder="Search messages"
          className={input}
          value={f.q}
          onChange={(e) => setF({ ...f, q: e.target.value })}
        />
        <label className="text-xs text-slate-500">
          From{" "}
          <input type="date" aria-label="From" className={input} value={f.from} onChange={(e) => setF({ ...f, from: e.target.value })} />
        </label>
        <label className="text-xs text-slate-500">
          To <input type="date" aria-label="To" className={input} value={f.to} onChange={(e) => setF({ ...f, to: e.target.value })} />
        </label>
      </div>
      {q.isError ? (
        <EmptyState title="The event log could not be loaded" body={(q.error as Error).message} />
      ) : (
        <DataTable
          testId="event-table"
          rows={rows}
          rowKey={(e) => e.id}
          initialSort={{ key: "when", dir: "desc" }}
          rowHref={(e) =>
            e.tenantId && e.mailboxId ? `/tenants/${e.tenantId}/mailboxes/${e.mailboxId}` : e.tenantId ? `/tenants/${e.tenantId}` : ""
          }
          columns={[
            {
              key: "when",
              header: "When",
              cell: (e) => <span className="whitespace-nowrap">{dateTime(e.createdAt)}</span>,
              sortValue: (e) => e.createdAt,
            },
            {
              key: "level",
              header: "Level",
              cell: (e) => <Badge tone={LEVEL_TONE[e.level]}>{e.level}</Badge>,
              sortValue: (e) => ["debug", "info", "warn", "error"].indexOf(e.level),
            },
            {
              key: "where",
              header: "Where",
              cell: (e) => (
                <span className="text-xs">
                  {e.tenantName ?? "Workspace"}
                  {e.mailboxAddress ? <span className="block text-slate-500">{e.mailboxAddress}</span> : null}
                </span>
              ),
              sortValue: (e) => `${e.tenantName ?? ""} ${e.mailboxAddress ?? ""}`,
            },
            { key: "code", header: "Code", cell: (e) => <code className="text-xs">{e.code}</code>, sortValue: (e) => e.code },
            { key: "message", header: "Message", cell: (e) => <span className="text-sm">{e.message}</span> },
          ]}
          empty={
            <EmptyState
              title={q.isLoading ? "Loading…" : Object.keys(filters).length ? "No events match these filters" : "No events yet"}
              body={
                Object.keys(filters).length
                  ? "Widen the level or the dates, or clear the search."
                  : "Connect a mailbox and run its connection test: every test, sync, refresh and consent is logged here."
              }
            />
          }
        />
      )}
      {q.hasNextPage && (
        <Button variant="secondary" isBusy={q.isFetchingNextPage} onClick={() => q.fetchNextPage()}>
          Load more
        </Button>
      )}
    </div>
  );
}
