"use client";
// Pause and resume: paused, the grant stays refreshed but nothing syncs or sends; outbound mail
// waits in the outbox and goes after the resume.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { TMailbox } from "@/lib/client/wire-types";
import { mailboxKeys, outboundKeys } from "@/lib/client/query-keys";
import { day2Api } from "@/lib/client/api/day2";
import { dateTime } from "@/lib/client/format";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { StatusBadge } from "@/components/ui/badge";
import { toast } from "@/components/ui/toaster";

export function PauseCard({ m, tenantId, canAct }: { m: TMailbox; tenantId: string; canAct: boolean }) {
  const qc = useQueryClient();
  const paused = m.state === "disabled";
  const act = useMutation({
    mutationFn: () => (paused ? day2Api.resume(tenantId, m.id) : day2Api.pause(tenantId, m.id)),
    onSuccess: async () => {
      toast(paused ? "Resumed: sync and sending start again." : "Paused: no sync and no sending until you resume.");
      await qc.invalidateQueries({ queryKey: mailboxKeys.all });
      await qc.invalidateQueries({ queryKey: outboundKeys.list(m.id) });
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  return (
    <Card title="Pause">
      <div className="space-y-3 text-sm text-slate-700" data-testid="pause-card">
        {paused ? (
          <>
            <p data-testid="paused-note">
              Paused {m.pausedBy ? `by ${m.pausedBy} ` : ""}on {dateTime(m.pausedAt)}. Nothing syncs or sends; mail queued for sending waits
              and goes after the resume. The sign-in is kept fresh.
            </p>
            {m.stateBeforePause && (
              <p className="flex items-center gap-2">
                Resumes as <StatusBadge state={m.stateBeforePause} />
              </p>
            )}
          </>
        ) : (
          <p>Stop syncing and sending for a while (a migration, a customer&apos;s request) without losing the sign-in.</p>
        )}
        {canAct && (
          <Button variant={paused ? "primary" : "secondary"} isBusy={act.isPending} onClick={() => act.mutate()}>
            {paused ? "Resume mailbox" : "Pause mailbox"}
          </Button>
        )}
      </div>
    </Card>
  );
}
