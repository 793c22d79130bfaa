"use client";
// "Test all": runs the connection test of every connected mailbox shown (the Health list's current
// page), two at a time, with a progress bar, and says how many passed. Each test is the same one
// the mailbox page runs.
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { ProgressBar } from "@/components/ui/empty-state";
import { mailboxKeys } from "@/lib/client/query-keys";
import { mailboxApi } from "@/lib/client/api/mailboxes";

type TTarget = { id: string; tenantId: string; address: string };

export function TestAll({ targets }: { targets: TTarget[] }) {
  const qc = useQueryClient();
  const [run, setRun] = useState<{ done: number; total: number; failed: string[] } | null>(null);
  const running = !!run && run.done < run.total;
  const start = async () => {
    const queue = [...targets];
    const failed: string[] = [];
    let done = 0;
    setRun({ done, total: queue.length, failed });
    const worker = async () => {
      for (let t = queue.shift(); t; t = queue.shift()) {
        try {
          const r = await mailboxApi.test(t.tenantId, t.id);
          if (!r.result.ok) failed.push(t.address);
        } catch {
          failed.push(t.address);
        }
        done++;
        setRun({ done, total: targets.length, failed: [...failed] });
      }
    };
    await Promise.all([worker(), worker()]);
    await qc.invalidateQueries({ queryKey: mailboxKeys.all });
  };
  return (
    <div className="flex items-center gap-3">
      {run && (
        <div className="w-64" data-testid="test-all-progress">
          {running ? (
            <ProgressBar value={(100 * run.done) / Math.max(1, run.total)} label={`Testing ${run.done} of ${run.total}…`} />
          ) : (
            <span className={`text-sm ${run.failed.length ? "text-red-700" : "text-emerald-700"}`} data-testid="test-all-result">
              {run.total - run.failed.length} of {run.total} passed{run.failed.length ? `; failing: ${run.failed.join(", ")}` : ""}
            </span>
          )}
        </div>
      )}
      <Button
        variant="secondary"
        isBusy={running}
        disabled={running || targets.length === 0}
        onClick={() => void start()}
        title="Run the connection test of every connected mailbox"
      >
        Test all ({targets.length})
      </Button>
    </div>
  );
}
