"use client";
// The Health list, paged, filtered and sorted by the server (GET /api/mailboxes): the page's URL
// search params hold the view (so a link reproduces it), the counts per state are chips that
// filter, and the last page stays on screen while the next one loads.
import Link from "next/link";
import { useEffect, useState, type ReactNode } from "react";
import { ago } from "@/lib/client/format";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { describe } from "@/lib/diagnostics/describe";
import type { TMailboxPage, TMailboxHealthRow, TTenant } from "@/lib/client/wire-types";

/** The view's query parameters, as the API takes them. */
export type THealthView = {
  q: string;
  state: string;
  attention: boolean;
  tenantId: string;
  kind: string;
  protocol: string;
  sort: string;
  dir: "asc" | "desc";
  page: number;
  limit: number;
};
export const DEFAULT_VIEW: THealthView = {
  q: "",
  state: "",
  attention: false,
  tenantId: "",
  kind: "",
  protocol: "",
  sort: "severity",
  dir: "asc",
  page: 1,
  limit: 50,
};
const SORTS = ["severity", "address", "tenant", "lastSync"];
const SIZES = [25, 50, 100, 200];

/** The view from the URL (anything unknown falls back to the default; the server checks again). */
export function viewFromParams(sp: URLSearchParams): THealthView {
  const num = (k: string, d: number) => (/^\d{1,6}$/.test(sp.get(k) ?? "") ? Math.max(1, Number(sp.get(k))) : d);
  const limit = num("limit", DEFAULT_VIEW.limit);
  return {
    q: sp.get("q") ?? "",
    state: sp.get("state") ?? "",
    attention: sp.get("attention") === "1",
    tenantId: sp.get("tenantId") ?? "",
    kind: sp.get("kind") ?? "",
    protocol: sp.get("protocol") ?? "",
    sort: SORTS.includes(sp.get("sort") ?? "") ? sp.get("sort")! : DEFAULT_VIEW.sort,
    dir: sp.get("dir") === "desc" ? "desc" : "asc",
    page: num("page", 1),
    limit: SIZES.includes(limit) ? limit : DEFAULT_VIEW.limit,
  };
}

/** The view as query parameters: only what differs from the default. */
export function viewToParams(v: THealthView): string {
  const sp = new URLSearchParams();
  if (v.q) sp.set("q", v.q);
  if (v.state) sp.set("state", v.state);
  if (v.attention) sp.set("attention", "1");
  if (v.tenantId) sp.set("tenantId", v.tenantId);
  if (v.kind) sp.set("kind", v.kind);
  if (v.protocol) sp.set("protocol", v.protocol);
  if (v.sort !== DEFAULT_VIEW.sort) sp.set("sort", v.sort);
  if (v.dir !== DEFAULT_VIEW.dir) sp.set("dir", v.dir);
  if (v.page !== 1) sp.set("page", String(v.page));
  if (v.limit !== DEFAULT_VIEW.limit) sp.set("limit", String(v.limit));
  return sp.toString();
}

const STATE_CHIPS: { value: string; label: string }[] = [
  { value: "needs_reconsent", label: "Needs re-consent" },
  { value: "failing", label: "Failing" },
  { value: "degraded", label: "Degraded" },
  { value: "pending_consent", label: "Pending consent" },
  { value: "connected", label: "Connected" },
  { value: "disabled", label: "Paused" },
];

const select = "rounded-md border border-slate-300 px-2 py-1.5 text-sm";

export function HealthList({
  view,
  setView,
  data,
  isFetching,
  tenants,
}: {
  view: THealthView;
  setView: (v: Partial<THealthView>) => void;
  data: TMailboxPage;
  isFetching: boolean;
  tenants: TTenant[];
}) {
  // The search box updates the URL once typing pauses.
  const [text, setText] = useState(view.q);
  useEffect(() => setText(view.q), [view.q]);
  useEffect(() => {
    if (text === view.q) return;
    const t = setTimeout(() => setView({ q: text, page: 1 }), 300);
    return () => clearTimeout(t);
  }, [text, view.q, setView]);

  const filtered = !!(view.q || view.state || view.attention || view.tenantId || view.kind || view.protocol);
  const everything = Object.values(data.counts).reduce((a, b) => a + b, 0);
  const first = data.total === 0 ? 0 : (data.page - 1) * data.pageSize + 1;
  const last = Math.min(data.total, data.page * data.pageSize);

  const sortHeader = (key: string, label: string): ReactNode => {
    const active = view.sort === key;
    return (
      <button
        type="button"
        className="inline-flex items-center gap-1 hover:text-slate-800"
        onClick={() => setView({ sort: key, dir: active && view.dir === "asc" ? "desc" : "asc", page: 1 })}
      >
        {label}
        <span aria-hidden>{active ? (view.dir === "asc" ? "▲" : "▼") : "↕"}</span>
      </button>
    );
  };
  const th = (key: string | null, label: string) => (
    <th
      scope="col"
      aria-sort={key && view.sort === key ? (view.dir === "asc" ? "ascending" : "descending") : undefined}
      className="px-4 py-2.5 text-left text-xs font-semibold uppercase tracking-wide text-slate-500"
    >
      {key ? sortHeader(key, label) : label}
    </th>
  );

  return (
    <div className="rounded-lg border border-slate-200 bg-white shadow-sm" data-testid="health-list" aria-busy={isFetching}>
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-100 p-3" data-testid="health-counts">
        <button
          type="button"
          onClick={() => setView({ state: "", attention: false, page: 1 })}
          className={`rounded-full px-2.5 py-1 text-xs font-medium ring-1 ring-inset ${!view.state && !view.attention ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white text-slate-700 ring-slate-300"}`}
        >
          All {everything}
        </button>
        <button
          type="button"
          onClick={() => setView({ attention: !view.attention, state: "", page: 1 })}
          aria-pressed={view.attention}
          className={`rounded-full px-2.5 py-1 text-xs font-medium ring-1 ring-inset ${view.attention ? "bg-red-600 text-white ring-red-600" : "bg-white text-red-700 ring-red-200"}`}
        >
          Needs attention {data.counts.needs_reconsent + data.counts.failing + data.counts.degraded}
        </button>
        {STATE_CHIPS.map((c) => (
          <button
            key={c.value}
            type="button"
            data-testid={`health-count-${c.value}`}
            aria-pressed={view.state === c.value}
            onClick={() => setView({ state: view.state === c.value ? "" : c.value, attention: false, page: 1 })}
            className={`rounded-full px-2.5 py-1 text-xs font-medium ring-1 ring-inset ${view.state === c.value ? "bg-slate-800 text-white ring-slate-800" : "bg-white text-slate-700 ring-slate-300"}`}
          >
            {c.label} {data.counts[c.value as keyof typeof data.counts]}
          </button>
        ))}
      </div>
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-100 p-3">
        <input
          aria-label="Filter"
          value={text}
          onChange={(e) => setText(e.target.value)}
          maxLength={200}
          placeholder="Search address, sign-in name or tenant"
          className="w-64 rounded-md border border-slate-300 px-3 py-1.5 text-sm"
        />
        <select
          aria-label="State"
          value={view.state}
          onChange={(e) => setView({ state: e.target.value, attention: false, page: 1 })}
          className={select}
        >
          <option value="">State: all</option>
          {STATE_CHIPS.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
        <select
          aria-label="Tenant"
          value={view.tenantId}
          onChange={(e) => setView({ tenantId: e.target.value, page: 1 })}
          className={select}
        >
          <option value="">Tenant: all</option>
          {tenants.map((t) => (
            <option key={t.id} value={t.id}>
              {t.displayName}
            </option>
          ))}
        </select>
        <select aria-label="Kind" value={view.kind} onChange={(e) => setView({ kind: e.target.value, page: 1 })} className={select}>
          <option value="">Kind: all</option>
          <option value="user">User mailboxes</option>
          <option value="shared">Shared mailboxes</option>
        </select>
        <select
          aria-label="Protocol"
          value={view.protocol}
          onChange={(e) => setView({ protocol: e.target.value, page: 1 })}
          className={select}
        >
          <option value="">Protocol: all</option>
          <option value="imap">IMAP</option>
          <option value="pop">POP</option>
          <option value="smtp">SMTP</option>
          <option value="graph">Graph</option>
        </select>
        <span className="ml-auto text-xs text-slate-500" data-testid="health-range">
          {data.total === 0 ? "0" : `${first}–${last}`} of {data.total}
          {filtered ? ` (of ${everything} without the filter)` : ""}
        </span>
      </div>
      {data.items.length === 0 ? (
        <div className="p-4">
          {filtered ? (
            <EmptyState
              title="No mailbox matches"
              body="Nothing in reach matches these filters. Clear them to see every mailbox."
              action={
                <button
                  type="button"
                  className="text-sm font-medium text-indigo-600 hover:underline"
                  onClick={() => setView({ ...DEFAULT_VIEW })}
                >
                  Clear the filters
                </button>
              }
            />
          ) : data.total > 0 ? (
            <EmptyState
              title="This page is past the end"
              body={`There are ${data.total} mailboxes, fewer than this page starts at.`}
              action={
                <button type="button" className="text-sm font-medium text-indigo-600 hover:underline" onClick={() => setView({ page: 1 })}>
                  Back to the first page
                </button>
              }
            />
          ) : (
            <EmptyState
              title="No mailboxes connected yet"
              body="Open a tenant to add a mailbox and connect it."
              action={
                <Link className="text-sm font-medium text-indigo-600 hover:underline" href="/tenants">
                  Open tenants
                </Link>
              }
            />
          )}
        </div>
      ) : (
        <div className="overflow-x-auto">
          <table className="min-w-full divide-y divide-slate-100 text-sm">
            <thead className="bg-slate-50">
              <tr>
                {th("address", "Mailbox")}
                {th("tenant", "Tenant")}
                {th("severity", "State")}
                {th(null, "Diagnosis")}
                {th(null, "Last test")}
                {th(null, "In / out")}
                {th(null, "Last token refresh")}
                {th("lastSync", "Last sync")}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.items.map((m) => (
                <Row key={m.id} m={m} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="flex flex-wrap items-center gap-3 border-t border-slate-100 p-3 text-sm">
        <button
          type="button"
          className="rounded-md border border-slate-300 px-3 py-1 disabled:opacity-40"
          disabled={data.page <= 1}
          onClick={() => setView({ page: Math.max(1, Math.min(data.page - 1, data.pages)) })}
        >
          Previous
        </button>
        <span className="text-slate-600" data-testid="health-page">
          Page {data.page} of {data.pages}
        </span>
        <button
          type="button"
          className="rounded-md border border-slate-300 px-3 py-1 disabled:opacity-40"
          disabled={!data.nextPage}
          onClick={() => data.nextPage && setView({ page: data.nextPage })}
        >
          Next
        </button>
        <label className="ml-auto flex items-center gap-2 text-slate-600">
          Per page
          <select
            aria-label="Per page"
            value={view.limit}
            onChange={(e) => setView({ limit: Number(e.target.value), page: 1 })}
            className={select}
          >
            {SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        {isFetching && <span className="text-xs text-slate-400">Updating…</span>}
      </div>
    </div>
  );
}

function Row({ m }: { m: TMailboxHealthRow }) {
  return (
    <tr className="hover:bg-slate-50">
      <td className="px-4 py-2.5 align-top">
        <Link href={`/tenants/${m.tenantId}/mailboxes/${m.id}`} className="font-medium text-indigo-700 hover:underline">
          {m.address}
        </Link>
      </td>
      <td className="px-4 py-2.5 align-top">{m.tenantName}</td>
      <td className="px-4 py-2.5 align-top">
        <StatusBadge state={m.state} />
      </td>
      <td className="px-4 py-2.5 align-top">
        {m.stateCode ? (
          <span title={`Code: ${m.stateCode}`} data-testid={`diagnosis-${m.address}`}>
            <Badge tone="red">{describe(m.stateCode)?.title}</Badge>
          </span>
        ) : (
          "—"
        )}
      </td>
      <td className="px-4 py-2.5 align-top">
        {m.checks ? (
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
        )}
      </td>
      <td className="px-4 py-2.5 align-top">{`${m.inbound} / ${m.outbound}`}</td>
      <td className="px-4 py-2.5 align-top">{ago(m.grant?.lastRefreshAt)}</td>
      <td className="px-4 py-2.5 align-top">{ago(m.lastSyncAt)}</td>
    </tr>
  );
}
