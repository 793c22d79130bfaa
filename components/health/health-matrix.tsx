"use client";
// Health at a glance: tenant × mailbox × check (sign-in, IMAP/POP, SMTP, Graph, token age, secret).
// A failing cell names its diagnosis in plain words and opens the mailbox, where the fix is.
import Link from "next/link";
import { useMemo, useState } from "react";
import type { TMailboxHealthRow } from "@/lib/client/wire-types";
import { healthMatrix, MATRIX_CHECK_LABELS, MATRIX_CHECKS, type TCellStatus } from "@/lib/health/health-matrix";
import { EmptyState } from "@/components/ui/empty-state";

const CELL: Record<TCellStatus, { cls: string; mark: string }> = {
  ok: { cls: "bg-emerald-50 text-emerald-800", mark: "✓" },
  fail: { cls: "bg-red-50 text-red-800 font-medium", mark: "✗" },
  warn: { cls: "bg-amber-50 text-amber-900", mark: "!" },
  na: { cls: "text-slate-400", mark: "" },
  unknown: { cls: "text-slate-500", mark: "?" },
};

export function HealthMatrix({ rows }: { rows: TMailboxHealthRow[] }) {
  const [tenantId, setTenantId] = useState("");
  const [failingOnly, setFailingOnly] = useState(false);
  const tenants = useMemo(
    () => [...new Map(rows.map((r) => [r.tenantId, r.tenantName])).entries()].sort((a, b) => a[1].localeCompare(b[1])),
    [rows],
  );
  const matrix = useMemo(() => healthMatrix(rows, { tenantId: tenantId || null, failingOnly }), [rows, tenantId, failingOnly]);
  if (rows.length === 0)
    return (
      <EmptyState
        title="Nothing to check yet"
        body="Add a mailbox to a tenant and connect it: its sign-in, mail protocols, token and secret show up here."
        action={
          <Link className="text-sm font-medium text-indigo-600 hover:underline" href="/tenants">
            Open tenants
          </Link>
        }
      />
    );
  return (
    <div data-testid="health-matrix">
      <div className="mb-3 flex flex-wrap items-center gap-3 text-sm">
        <label className="flex items-center gap-2">
          <span className="text-slate-600">Tenant</span>
          <select
            aria-label="Matrix tenant"
            value={tenantId}
            onChange={(e) => setTenantId(e.target.value)}
            className="rounded-md border border-slate-300 px-2 py-1"
          >
            <option value="">All tenants</option>
            {tenants.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={failingOnly} onChange={(e) => setFailingOnly(e.target.checked)} aria-label="Only failing" />
          <span className="text-slate-600">Only mailboxes with a failing check</span>
        </label>
      </div>
      {matrix.length === 0 ? (
        <EmptyState title="No failing check" body="Every check of these mailboxes passes. Clear the filter to see them all." />
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <thead className="bg-slate-50 text-left text-xs text-slate-500">
              <tr>
                <th className="px-3 py-2">Tenant</th>
                <th className="px-3 py-2">Mailbox</th>
                {MATRIX_CHECKS.map((c) => (
                  <th key={c} className="px-3 py-2">
                    {MATRIX_CHECK_LABELS[c]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {matrix.map((r) => {
                const href = `/tenants/${r.tenantId}/mailboxes/${r.id}`;
                return (
                  <tr key={r.id} data-testid={`matrix-row-${r.address}`}>
                    <td className="px-3 py-2 text-slate-600">{r.tenantName}</td>
                    <td className="px-3 py-2">
                      <Link className="hover:underline" href={href}>
                        {r.address}
                      </Link>
                    </td>
                    {r.cells.map((c) => (
                      <td
                        key={c.check}
                        className={`px-3 py-2 ${CELL[c.status].cls}`}
                        data-testid={`matrix-${r.address}-${c.check}`}
                        data-status={c.status}
                        title={c.code ? `Code: ${c.code}` : undefined}
                      >
                        {c.status === "fail" ? (
                          <Link className="underline decoration-dotted" href={href} data-testid={`matrix-link-${r.address}-${c.check}`}>
                            {CELL.fail.mark} {c.text}
                          </Link>
                        ) : (
                          <span className="whitespace-nowrap">
                            {CELL[c.status].mark} {c.text}
                          </span>
                        )}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
