"use client";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/card";

type TEntry = { code: string; title: string; cause: string; fixSteps: string[]; retryable: boolean; docsUrl: string; current: number };

export function DiagnosticsClient({ entries }: { entries: TEntry[] }) {
  const [q, setQ] = useState("");
  const [onlyCurrent, setOnlyCurrent] = useState(false);
  const active = entries.filter((e) => e.current > 0).length;
  // What is happening now comes first.
  const shown = entries
    .filter((e) => (!onlyCurrent || e.current > 0) && `${e.code} ${e.title} ${e.cause}`.toLowerCase().includes(q.toLowerCase()))
    .sort((a, b) => b.current - a.current);
  return (
    <div>
      <PageHeader title="Diagnostics" subtitle="What each failure from Microsoft means, and how to fix it." />
      <div className="mb-4 flex flex-wrap items-center gap-4">
        <input
          aria-label="Search diagnoses"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder="Search: AADSTS code, 5.7.139, not connected…"
          className="w-full max-w-md rounded-md border border-slate-300 px-3 py-2 text-sm"
        />
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" checked={onlyCurrent} onChange={(e) => setOnlyCurrent(e.target.checked)} /> Only what affects mailboxes now
          ({active})
        </label>
      </div>
      <div className="space-y-3">
        {shown.map((e) => (
          <details key={e.code} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <summary className="flex cursor-pointer items-center gap-3">
              <code className="text-xs text-slate-500">{e.code}</code>
              <span className="font-medium text-slate-900">{e.title}</span>
              <span className="ml-auto flex items-center gap-2">
                {e.current > 0 && (
                  <span data-testid={`current-${e.code}`}>
                    <Badge tone="red">
                      {e.current} mailbox{e.current > 1 ? "es" : ""} now
                    </Badge>
                  </span>
                )}
                {e.retryable ? <Badge tone="amber">retry may help</Badge> : <Badge tone="red">needs a person</Badge>}
              </span>
            </summary>
            <p className="mt-3 text-sm text-slate-700">{e.cause}</p>
            <ol className="mt-2 list-decimal space-y-1 pl-5 text-sm text-slate-700">
              {e.fixSteps.map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ol>
            {e.docsUrl && (
              <a className="mt-2 inline-block text-sm text-indigo-700 hover:underline" href={e.docsUrl} target="_blank" rel="noreferrer">
                Microsoft documentation
              </a>
            )}
          </details>
        ))}
        {shown.length === 0 && <p className="text-sm text-slate-500">No diagnosis matches “{q}”.</p>}
      </div>
    </div>
  );
}
