"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { mailboxKeys } from "@/lib/client/query-keys";
import type { TMailbox } from "@/lib/client/wire-types";
import { ago, dateTime } from "@/lib/client/format";
import { useMailboxMessages } from "@/lib/client/hooks/mailboxes";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { toast } from "@/components/ui/toaster";
import { mailboxApi } from "@/lib/client/api/mailboxes";
import { firstSyncText } from "@/lib/client/mailbox-status";

// The sync's progress (first sync of a big folder takes a while) and the newest messages pulled.
export function MessagesCard({
  tenantId,
  mailboxId,
  m,
  canSync,
  workersAlive,
}: {
  tenantId: string;
  mailboxId: string;
  m: TMailbox;
  canSync: boolean;
  workersAlive?: number;
}) {
  const [q, setQ] = useState("");
  const qc = useQueryClient();
  const syncNow = useMutation({
    mutationFn: () => mailboxApi.sync(tenantId, mailboxId),
    onSuccess: () => {
      toast("Sync requested: a worker picks it up within seconds.");
      setTimeout(() => void qc.invalidateQueries({ queryKey: mailboxKeys.detail(tenantId, mailboxId) }), 4000);
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const p = m.syncProgress;
  const running = !!p && !p.finishedAt && p.total > 0;
  const list = useMailboxMessages(tenantId, mailboxId, q, {
    refetchInterval: running ? 2_000 : 15_000,
    enabled: m.inbound !== "none",
  });
  if (m.inbound === "none") return null;
  const pct = p && p.total > 0 ? Math.round((100 * p.done) / p.total) : 0;
  return (
    <Card
      title="Mail"
      actions={
        <div className="flex items-center gap-3">
          {list.data && (
            <span className="text-sm text-slate-500" data-testid="message-total">
              {list.data.total} stored
            </span>
          )}
          {canSync && m.grant && (
            <Button variant="secondary" isBusy={syncNow.isPending} onClick={() => syncNow.mutate()}>
              Sync now
            </Button>
          )}
        </div>
      }
    >
      {running && (
        <div className="mb-4" data-testid="sync-progress">
          <div className="mb-1 flex justify-between text-xs text-slate-600">
            <span>Syncing {m.folder}…</span>
            <span>
              {p!.done} of {p!.total}
            </span>
          </div>
          <div
            className="h-2 overflow-hidden rounded bg-slate-100"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct}
            aria-label="Sync progress"
          >
            <div className="h-full rounded bg-indigo-500 transition-all" style={{ width: `${pct}%` }} />
          </div>
        </div>
      )}
      {!m.grant ? (
        <p className="text-sm text-slate-500">Connect the mailbox; the worker starts syncing {m.folder} within seconds.</p>
      ) : !list.data ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : list.data.total === 0 && !q ? (
        <p className="text-sm text-slate-500">
          {m.lastSyncAt ? `${m.folder} was empty at the last sync (${ago(m.lastSyncAt)}).` : firstSyncText(m, workersAlive, m.folder)}
        </p>
      ) : (
        <>
          <input
            aria-label="Filter messages"
            placeholder="Filter by subject or sender"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            className="mb-3 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
          />
          <ul className="divide-y divide-slate-100 text-sm" data-testid="message-list">
            {list.data.messages.map((x) => (
              <li key={x.id} className="flex items-baseline justify-between gap-3 py-1.5">
                <div className="min-w-0">
                  <div className="truncate font-medium">{x.subject ?? "(no subject)"}</div>
                  <div className="truncate text-xs text-slate-500">{x.fromAddress ?? "unknown sender"}</div>
                </div>
                <div className="shrink-0 text-xs text-slate-500">{dateTime(x.receivedAt)}</div>
              </li>
            ))}
          </ul>
          {list.data.messages.length === 0 && <p className="text-sm text-slate-500">No message matches.</p>}
        </>
      )}
    </Card>
  );
}
