"use client";
// The mailbox's outbound queue: what the helpdesk (REST API) or staff queued, where each message
// stands, and the actions a person needs: retry after fixing the cause, or cancel.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { outboundKeys } from "@/lib/client/query-keys";
import { ago, dateTime } from "@/lib/client/format";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { toast } from "@/components/ui/toaster";
import { useOutbox } from "@/lib/client/hooks/mailboxes";
import { mailboxApi } from "@/lib/client/api/mailboxes";
import { describe } from "@/lib/diagnostics/describe";

const TONE = { queued: "blue", sending: "indigo", sent: "green", failed: "red", cancelled: "slate" } as const;

export function OutboxCard({
  tenantId,
  mailboxId,
  outbound,
  state,
  canAct,
}: {
  tenantId: string;
  mailboxId: string;
  outbound: string;
  state: string;
  canAct: boolean;
}) {
  const qc = useQueryClient();
  const [filter, setFilter] = useState("");
  const q = useOutbox(tenantId, mailboxId, filter, {
    refetchInterval: (query) => ((query.state.data?.counts.queued ?? 0) + (query.state.data?.counts.sending ?? 0) > 0 ? 2_000 : 15_000),
    enabled: outbound !== "none",
  });
  const act = useMutation({
    mutationFn: (p: { id?: string; action: "retry" | "cancel" | "retry_failed" }) => mailboxApi.outboxAction(tenantId, mailboxId, p),
    onSuccess: (_r, p) => {
      void qc.invalidateQueries({ queryKey: outboundKeys.list(mailboxId) });
      toast(p.action === "cancel" ? "Cancelled." : "Queued again.");
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  if (outbound === "none") return null;
  const counts = q.data?.counts ?? {};
  const held = (counts.queued ?? 0) > 0 && (state === "needs_reconsent" || state === "pending_consent");
  return (
    <Card
      title="Outbox"
      actions={
        <div className="flex items-center gap-2">
          <select
            aria-label="Outbox status"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            className="rounded-md border border-slate-300 px-2 py-1 text-sm"
          >
            <option value="">All</option>
            {(["queued", "sending", "sent", "failed", "cancelled"] as const).map((s) => (
              <option key={s} value={s}>
                {s} ({counts[s] ?? 0})
              </option>
            ))}
          </select>
          {canAct && (counts.failed ?? 0) > 0 && (
            <Button variant="secondary" isBusy={act.isPending} onClick={() => act.mutate({ action: "retry_failed" })}>
              Retry all failed
            </Button>
          )}
        </div>
      }
    >
      {held && (
        <p className="mb-3 rounded-md bg-amber-50 p-2 text-sm text-amber-900" data-testid="outbox-held">
          {counts.queued} message(s) are held until the mailbox is connected again; they go out by themselves after re-consent.
        </p>
      )}
      {!q.data ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : q.data.messages.length === 0 ? (
        <p className="text-sm text-slate-500">
          {filter
            ? `No ${filter} messages.`
            : "Nothing sent yet. Helpdesks queue mail here through the REST API (Settings → API keys); Consentry sends it over " +
              outbound.toUpperCase() +
              " and retries what fails for a passing reason."}
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" data-testid="outbox-list">
          {q.data.messages.map((m) => (
            <li key={m.id} className="flex items-start justify-between gap-3 py-2" data-testid={`outbox-${m.status}`}>
              <div className="min-w-0">
                <div className="truncate font-medium">{m.subject || "(no subject)"}</div>
                <div className="truncate text-xs text-slate-500">
                  to {m.recipients.join(", ")} · {m.createdVia ?? "unknown"} · {dateTime(m.createdAt)}
                </div>
                {m.status === "failed" && m.lastErrorCode && (
                  <div className="mt-1 text-xs text-red-700">
                    <span className="font-medium" title={`Code: ${m.lastErrorCode}`}>
                      {describe(m.lastErrorCode)?.title}
                    </span>{" "}
                    {m.lastError}
                  </div>
                )}
                {m.status === "queued" && m.attempts > 0 && (
                  <div className="mt-1 text-xs text-amber-700">
                    Attempt {m.attempts} failed ({describe(m.lastErrorCode)?.title ?? "unknown error"}); next try {ago(m.nextAttemptAt)}
                  </div>
                )}
              </div>
              <div className="flex shrink-0 items-center gap-2">
                <Badge tone={TONE[m.status]}>
                  {m.status}
                  {m.status === "sent" && m.sentAt ? ` ${ago(m.sentAt)}` : ""}
                </Badge>
                {canAct && (m.status === "failed" || m.status === "cancelled") && (
                  <Button variant="ghost" onClick={() => act.mutate({ id: m.id, action: "retry" })}>
                    Retry
                  </Button>
                )}
                {canAct && (m.status === "queued" || m.status === "failed") && (
                  <Button variant="ghost" onClick={() => act.mutate({ id: m.id, action: "cancel" })}>
                    Cancel
                  </Button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
