"use client";
// The last connection test's steps, Test connection, and a test email (send, then wait for it to arrive).
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { mailboxKeys } from "@/lib/client/query-keys";
import type { TConnectionTest, TMailbox } from "@/lib/client/wire-types";
import { dateTime } from "@/lib/client/format";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { toast } from "@/components/ui/toaster";
import { StepList } from "./step-list";
import type { TTestMutation } from "./mailbox-actions";
import { mailboxApi } from "@/lib/client/api/mailboxes";
import { testFreshness } from "@/lib/client/mailbox-status";

type TProps = {
  m: TMailbox;
  lastTest: TConnectionTest | null;
  tenantId: string;
  mailboxId: string;
  canConnect: boolean;
  testNow: TTestMutation;
  /** When the mailbox entered its current state (its state history). */
  stateSince?: string | null;
};

export function ConnectionTestCard({ m, lastTest, tenantId, mailboxId, canConnect, testNow, stateSince = null }: TProps) {
  const qc = useQueryClient();
  const g = m.grant;
  const fresh = testFreshness(m, lastTest, stateSince);
  const [testTo, setTestTo] = useState<string | null>(null);
  const [emailResult, setEmailResult] = useState<TConnectionTest | null>(null);
  const testEmail = useMutation({
    mutationFn: (to: string) => mailboxApi.testEmail(tenantId, mailboxId, to),
    onSuccess: async (r) => {
      setEmailResult(r.result);
      toast(r.result.ok ? "Test email went through." : "The test email failed.", r.result.ok ? "success" : "error");
      await qc.invalidateQueries({ queryKey: mailboxKeys.detail(tenantId, mailboxId) });
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  return (
    <Card
      title="Connection test"
      actions={
        canConnect &&
        g && (
          <Button variant="secondary" isBusy={testNow.isPending} onClick={() => testNow.mutate()}>
            Test connection
          </Button>
        )
      }
    >
      {testNow.isPending && (
        <div className="mb-3 h-1.5 overflow-hidden rounded bg-slate-100" role="progressbar" aria-label="Testing">
          <div className="h-full w-1/3 animate-pulse rounded bg-sky-500" />
        </div>
      )}
      {lastTest ? (
        <div data-testid="connection-test" data-stale={fresh.stale ? "true" : "false"}>
          <p className="mb-2 text-xs text-slate-500">Last run {dateTime(lastTest.at)}</p>
          {fresh.note && (
            <p className="mb-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="connection-test-stale">
              {fresh.note}
            </p>
          )}
          <div className={fresh.stale ? "opacity-50" : undefined}>
            <StepList steps={lastTest.steps} />
          </div>
        </div>
      ) : (
        <p className="text-sm text-slate-500">
          {g
            ? "No test yet. Test connection signs in over each protocol this mailbox uses."
            : "Connect the mailbox first; a test runs right after."}
        </p>
      )}
      {canConnect && g && m.outbound !== "none" && (
        <form
          className="mt-5 border-t border-slate-100 pt-4"
          onSubmit={(e) => {
            e.preventDefault();
            testEmail.mutate(testTo ?? m.address);
          }}
        >
          <div className="flex flex-wrap items-end gap-2">
            <label className="min-w-64 flex-1 text-sm">
              <span className="mb-1 block text-slate-600">Send a test email to</span>
              <input
                type="email"
                required
                aria-label="Test email recipient"
                value={testTo ?? m.address}
                onChange={(e) => setTestTo(e.target.value)}
                className="w-full rounded-md border border-slate-300 px-2 py-1.5"
              />
            </label>
            <Button type="submit" variant="secondary" isBusy={testEmail.isPending}>
              Send test email
            </Button>
          </div>
          <p className="mt-1 text-xs text-slate-500">Sent to the mailbox itself, Consentry also waits for it to arrive in {m.folder}.</p>
          {testEmail.isPending && (
            <div className="mt-3 h-1.5 overflow-hidden rounded bg-slate-100" role="progressbar" aria-label="Sending">
              <div className="h-full w-1/3 animate-pulse rounded bg-sky-500" />
            </div>
          )}
          {emailResult && !testEmail.isPending && (
            <div className="mt-3" data-testid="test-email-result">
              <StepList steps={emailResult.steps} />
            </div>
          )}
        </form>
      )}
    </Card>
  );
}
