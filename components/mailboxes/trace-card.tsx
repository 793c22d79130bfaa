"use client";
// The mailbox's trace: a switch that records the redacted conversation of the next syncs, sends,
// refreshes and connection tests for an hour, and the transcripts it kept, one at a time.
import { useState } from "react";
import { useMailboxTrace, useSetMailboxTrace, type TMailboxTrace } from "@/lib/client/hooks/trace";
import { dateTime, until } from "@/lib/client/format";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { toast } from "@/components/ui/toaster";

const KIND: Record<string, string> = { sync: "Sync", send: "Send", refresh: "Token refresh", test: "Connection test" };
const PROTOCOL: Record<string, string> = { imap: "IMAP", pop: "POP3", smtp: "SMTP", graph: "Graph", token: "Token", note: "" };

const transcriptText = (t: TMailboxTrace) =>
  t.lines.map((l) => `+${(l.t / 1000).toFixed(3)}s ${(PROTOCOL[l.p] ?? l.p).padEnd(5)} ${l.d} ${l.s}`).join("\n");

export function TraceCard({ tenantId, mailboxId, canConnect }: { tenantId: string; mailboxId: string; canConnect: boolean }) {
  const q = useMailboxTrace(tenantId, mailboxId);
  const setTrace = useSetMailboxTrace(tenantId, mailboxId, (e) => toast(e.message, "error"));
  const [picked, setPicked] = useState<string | null>(null);
  const data = q.data;
  const traces = data?.traces ?? [];
  const shown = traces.find((t) => t.id === picked) ?? traces[0];
  return (
    <Card
      title="Trace"
      actions={
        <>
          {data?.until ? <Badge tone="amber">On, {until(data.until)} left</Badge> : <Badge>Off</Badge>}
          {canConnect && (
            <Button
              variant="secondary"
              isBusy={setTrace.isPending}
              onClick={() => setTrace.mutate(!data?.until)}
              data-testid="trace-switch"
            >
              {data?.until ? "Turn trace off" : "Turn trace on"}
            </Button>
          )}
        </>
      }
    >
      <p className="text-sm text-slate-600">
        While on, the next syncs, sends, token refreshes and connection tests record what Consentry and Microsoft said to each other: IMAP,
        POP3 and SMTP lines, Graph requests and responses, token-endpoint calls. Tokens, secrets, passwords and message content are removed
        before anything is kept. It turns itself off after an hour; the last 10 transcripts are kept for 7 days and go into this
        mailbox&apos;s support bundle.
      </p>
      {!data ? (
        <p className="mt-3 text-sm text-slate-500">{q.isError ? "Couldn't load the trace." : "Loading…"}</p>
      ) : traces.length === 0 ? (
        <p className="mt-3 text-sm text-slate-500" data-testid="trace-empty">
          {data.until
            ? "No transcript yet: run Test connection, or wait for the next sync."
            : "No transcript yet. Turn trace on, then run Test connection (or wait for the next sync or send)."}
        </p>
      ) : (
        <div className="mt-3 space-y-2">
          <div className="flex flex-wrap gap-2" role="tablist" aria-label="Transcripts">
            {traces.map((t) => (
              <button
                key={t.id}
                type="button"
                role="tab"
                aria-selected={t.id === shown?.id}
                onClick={() => setPicked(t.id)}
                className={`rounded border px-2 py-1 text-xs ${t.id === shown?.id ? "border-indigo-500 bg-indigo-50 text-indigo-800" : "border-slate-200 text-slate-600 hover:bg-slate-50"}`}
              >
                {KIND[t.kind] ?? t.kind} · {dateTime(t.startedAt)}
              </button>
            ))}
          </div>
          {shown && (
            <>
              <div className="flex items-center justify-between text-xs text-slate-500">
                <span>
                  {KIND[shown.kind] ?? shown.kind}, {shown.lines.length} lines{shown.truncated ? " (cut at the size limit)" : ""}
                </span>
                <CopyButton value={transcriptText(shown)} label="Copy transcript" />
              </div>
              <pre
                data-testid="trace-transcript"
                className="max-h-96 overflow-auto rounded bg-slate-900 p-3 text-xs leading-relaxed whitespace-pre-wrap text-slate-100"
              >
                {transcriptText(shown)}
              </pre>
            </>
          )}
        </div>
      )}
    </Card>
  );
}
