// First sync of many mailboxes by one worker at internet latency (run by `npm run bench`): N
// mailboxes × 5 messages in the sandbox behind a 50 ms round-trip latency proxy, one worker's sync
// pool (SyncScheduler, WORKER_CONCURRENCY, as workers/main.ts runs it) in this process; the time
// until every message is stored (each mailbox: token refresh, TLS IMAP sign-in, search, fetch,
// store, release). Then the steady state: the pool keeps running and every second counts the
// mailboxes overdue (nextSyncAt older than 30 s) and the largest lag. Baseline in the same run:
// the previous loop (claim 4, wait for all 4, sleep 3 s when none are due) on a sample of its own.
//   tsx --conditions=react-server scripts/bench/first-sync.ts [--quick] [mailboxes] [steadySeconds]
import { args, benchDatabase, childSandbox, quick, report } from "./harness";

const count = Number(args[0] ?? (quick ? 100 : 1_000));
const steadyS = Number(args[1] ?? (quick ? 5 : 90));
const sampleCount = quick ? 12 : 40;
const PER_BOX = 5;
const RTT = 50;

const pg = await benchDatabase("first-sync");
try {
  const { db } = await import("../../lib/db/client");
  const { env } = await import("../../lib/env");
  const { useSandboxCloud } = await import("../../testing/sandbox-grant");
  const { SyncScheduler } = await import("../../lib/sync/scheduler");
  const { syncDueMailboxes } = await import("../../lib/sync/sync-loop");
  const { fleet } = await import("./fleet");
  const sb = await childSandbox({ rttMs: RTT });
  useSandboxCloud(sb as never);
  try {
    let t = performance.now();
    const main = await fleet(sb, { count, perBox: PER_BOX, prefix: "fs" });
    const sample = await fleet(sb, { count: sampleCount, perBox: PER_BOX, prefix: "fsbase" });
    console.log(`setup: ${count + sampleCount} mailboxes × ${PER_BOX} messages in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const storedIn = (ids: string[]) => db().message.count({ where: { mailboxId: { in: ids } } });

    // Baseline: the loop this replaces (workers/main.ts before): claim 4, wait for all, sleep 3 s when none.
    t = performance.now();
    while ((await storedIn(sample.ids)) < sampleCount * PER_BOX) {
      const n = await syncDueMailboxes("bench-baseline", { concurrency: 4, only: sample.ids });
      if (n === 0) await new Promise((r) => setTimeout(r, 3_000));
    }
    const baseS = (performance.now() - t) / 1000;

    const concurrency = env().WORKER_CONCURRENCY;
    const s = new SyncScheduler("bench-worker", { concurrency, only: main.ids });
    t = performance.now();
    void s.start();
    const total = count * PER_BOX;
    while ((await storedIn(main.ids)) < total) await new Promise((r) => setTimeout(r, 200));
    const firstS = (performance.now() - t) / 1000;
    const stored = await storedIn(main.ids);

    // Steady state: every mailbox polled again each minute; nothing may fall 30 s behind.
    let overdueMax = 0;
    let lagMaxS = 0;
    const steadyEnd = performance.now() + steadyS * 1000;
    while (performance.now() < steadyEnd) {
      await new Promise((r) => setTimeout(r, 1_000));
      const r = await db().$queryRaw<{ overdue: bigint; lag: number | null }[]>`
        SELECT COUNT(*) FILTER (WHERE "nextSyncAt" < now() - interval '30 seconds') AS overdue,
               EXTRACT(EPOCH FROM now() - MIN("nextSyncAt"))::float8 AS lag
        FROM "Mailbox" WHERE "id" = ANY(${main.ids}) AND "leaseOwner" IS NULL`;
      overdueMax = Math.max(overdueMax, Number(r[0].overdue));
      lagMaxS = Math.max(lagMaxS, r[0].lag ?? 0);
    }
    await s.stop();
    const perSec = (n: number, sec: number) => n / sec;
    const ours = perSec(count, firstS);
    const base = perSec(sampleCount, baseS);
    console.log(
      `\nfirst sync of ${count} mailboxes × ${PER_BOX} messages at ${RTT} ms round trip, one worker (${concurrency} at once): ${firstS.toFixed(1)} s (${ours.toFixed(1)} mailboxes/s, goal ≤ 60 s for 1,000)`,
    );
    console.log(
      `baseline (claim 4, wait for all, sleep 3 s): ${sampleCount} mailboxes in ${baseS.toFixed(1)} s (${base.toFixed(2)} mailboxes/s)`,
    );
    console.log(`= ${(ours / base).toFixed(1)}× the baseline's rate`);
    console.log(
      `steady state over ${steadyS} s: at most ${overdueMax} mailboxes overdue (> 30 s), largest lag ${Math.max(0, lagMaxS).toFixed(1)} s (goal: none overdue)`,
    );
    if (stored !== total) throw new Error(`stored ${stored} of ${total}`);
    report({
      first_sync_1000_rtt50_s: Number(firstS.toFixed(1)),
      first_sync_mailboxes: count,
      first_sync_concurrency: concurrency,
      first_sync_baseline_mailboxes_per_s: Number(base.toFixed(2)),
      first_sync_ratio: Number((ours / base).toFixed(2)),
      first_sync_steady_s: steadyS,
      first_sync_overdue: overdueMax,
      first_sync_max_lag_s: Number(Math.max(0, lagMaxS).toFixed(1)),
    });
    await db().$disconnect();
  } finally {
    await sb.stop();
  }
} finally {
  await pg.stop();
}
