"use client";
// The one table: sortable columns, a text filter, optional select filters, and an empty state
// that says what to do next.
import Link from "next/link";
import { useMemo, useState, type ReactNode } from "react";

export type TColumn<T> = {
  key: string;
  header: string;
  cell: (row: T) => ReactNode;
  sortValue?: (row: T) => string | number | null;
  className?: string;
};

export type TSelectFilter<T> = {
  key: string;
  label: string;
  options: { value: string; label: string }[];
  match: (row: T, value: string) => boolean;
};

export function DataTable<T>({
  rows,
  columns,
  rowKey,
  rowHref,
  filterText,
  filterPlaceholder = "Filter…",
  selectFilters = [],
  empty,
  initialSort,
  testId,
}: {
  rows: T[];
  columns: TColumn<T>[];
  rowKey: (row: T) => string;
  rowHref?: (row: T) => string;
  filterText?: (row: T) => string;
  filterPlaceholder?: string;
  selectFilters?: TSelectFilter<T>[];
  empty: ReactNode;
  initialSort?: { key: string; dir: "asc" | "desc" };
  testId?: string;
}) {
  const [q, setQ] = useState("");
  const [sel, setSel] = useState<Record<string, string>>({});
  const [sort, setSort] = useState(initialSort ?? null);

  const shown = useMemo(() => {
    let out = rows;
    if (q && filterText) out = out.filter((r) => filterText(r).toLowerCase().includes(q.toLowerCase()));
    for (const f of selectFilters) if (sel[f.key]) out = out.filter((r) => f.match(r, sel[f.key]));
    const col = sort && columns.find((c) => c.key === sort.key);
    if (col?.sortValue) {
      const dir = sort!.dir === "asc" ? 1 : -1;
      out = [...out].sort((a, b) => {
        const x = col.sortValue!(a) ?? "";
        const y = col.sortValue!(b) ?? "";
        return (x < y ? -1 : x > y ? 1 : 0) * dir;
      });
    }
    return out;
  }, [rows, q, sel, sort, columns, filterText, selectFilters]);

  if (rows.length === 0) return <>{empty}</>;

  return (
    <div className="rounded-lg border border-slate-200 bg-white shadow-sm" data-testid={testId}>
      {(filterText || selectFilters.length > 0) && (
        <div className="flex flex-wrap items-center gap-2 border-b border-slate-100 p-3">
          {filterText && (
            <input
              aria-label="Filter"
              value={q}
              onChange={(e) => setQ(e.target.value)}
              placeholder={filterPlaceholder}
              className="w-64 rounded-md border border-slate-300 px-3 py-1.5 text-sm"
            />
          )}
          {selectFilters.map((f) => (
            <select
              key={f.key}
              aria-label={f.label}
              value={sel[f.key] ?? ""}
              onChange={(e) => setSel({ ...sel, [f.key]: e.target.value })}
              className="rounded-md border border-slate-300 px-2 py-1.5 text-sm"
            >
              <option value="">{f.label}: all</option>
              {f.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          ))}
          <span className="ml-auto text-xs text-slate-500">
            {shown.length} of {rows.length}
          </span>
        </div>
      )}
      <div className="overflow-x-auto">
        <table className="min-w-full divide-y divide-slate-100 text-sm">
          <thead className="bg-slate-50">
            <tr>
              {columns.map((c) => {
                const active = sort?.key === c.key;
                return (
                  <th
                    key={c.key}
                    scope="col"
                    aria-sort={active ? (sort!.dir === "asc" ? "ascending" : "descending") : "none"}
                    className={`px-4 py-2.5 text-left text-xs font-semibold uppercase tracking-wide text-slate-500 ${c.className ?? ""}`}
                  >
                    {c.sortValue ? (
                      <button
                        type="button"
                        className="inline-flex items-center gap-1 hover:text-slate-800"
                        onClick={() => setSort({ key: c.key, dir: active && sort!.dir === "asc" ? "desc" : "asc" })}
                      >
                        {c.header}
                        <span aria-hidden>{active ? (sort!.dir === "asc" ? "▲" : "▼") : "↕"}</span>
                      </button>
                    ) : (
                      c.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {shown.map((r) => (
              <tr key={rowKey(r)} className="hover:bg-slate-50">
                {columns.map((c, i) => (
                  <td key={c.key} className={`px-4 py-2.5 align-top ${c.className ?? ""}`}>
                    {i === 0 && rowHref && rowHref(r) ? (
                      <Link href={rowHref(r)} className="font-medium text-indigo-700 hover:underline">
                        {c.cell(r)}
                      </Link>
                    ) : (
                      c.cell(r)
                    )}
                  </td>
                ))}
              </tr>
            ))}
            {shown.length === 0 && (
              <tr>
                <td colSpan={columns.length} className="px-4 py-8 text-center text-sm text-slate-500">
                  Nothing matches the filter.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
