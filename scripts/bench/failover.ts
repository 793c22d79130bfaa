// Failover (run by `npm run bench`): two real worker processes (workers/main.ts, as `npm run
// worker` starts them) share N mailboxes × M messages; once part of the mail is stored, the worker
// holding the most leases is killed with SIGKILL mid-sync. Measured: the time from the kill until
// every message is stored, until the dead worker's leases were released (its heartbeat stopped:
// lib/sync/claim.ts releaseDeadWorkerLeases), messages lost (never stored) and duplicated (the
// same Message-ID or source key twice in a mailbox). The reference in the same run is the lease
// the takeover used to wait for (LEASE_MS, 30 s).
//   tsx --conditions=react-server scripts/bench/failover.ts [--quick] [mailboxes] [messages]
import { spawn, type ChildProcess } from "node:child_process";
import { args, benchDatabase, childSandbox, quick, report } from "./harness";

const count = Number(args[0] ?? (quick ? 40 : 200));
const perBox = Number(args[1] ?? (quick ? 100 : 500));
const KILL_AT = 0.4; // share of the mail stored when one worker is killed
const LIMIT_MS = 600_000;

const pg = await benchDatabase("failover");
const workers: ChildProcess[] = [];
try {
  const { db } = await import("../../lib/db/client");
  const { useSandboxCloud } = await import("../../testing/sandbox-grant");
  const { LEASE_MS } = await import("../../lib/sync/sync-loop");
  const { fleet } = await import("./fleet");
  const sb = await childSandbox();
  useSandboxCloud(sb as never);
  try {
    let t = performance.now();
    // Due only once both workers beat, so they share the mailboxes from the start.
    const f = await fleet(sb, { count, perBox, size: 2048, prefix: "fo", due: new Date(Date.now() + 3600_000) });
    console.log(`setup: ${count} mailboxes × ${perBox} messages in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const total = count * perBox;
    const stored = async () => Number((await db().$queryRaw<{ n: bigint }[]>`SELECT COUNT(*) AS n FROM "Message"`)[0].n);

    const start = (name: string) => {
      // node itself (tsx as a loader, not its CLI wrapper), so the pid killed is the worker's own.
      const p = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "workers/main.ts"], {
        env: {
          ...process.env,
          LOG_LEVEL: "warn",
          WORKER_IDLE_SLOTS: "0",
          WORKER_HEARTBEAT_SECONDS: process.env.WORKER_HEARTBEAT_SECONDS ?? "2",
        },
        stdio: ["ignore", "ignore", "inherit"],
        detached: false,
      });
      p.on("exit", (code, sig) => console.log(`worker ${name} exited (${code ?? sig})`));
      workers.push(p);
      return p;
    };
    start("a");
    start("b");
    while ((await db().workerHeartbeat.count({ where: { status: "running" } })) < 2) await new Promise((r) => setTimeout(r, 100));
    await db().mailbox.updateMany({ where: { id: { in: f.ids } }, data: { nextSyncAt: new Date() } });
    t = performance.now();
    while ((await stored()) < total * KILL_AT) {
      if (performance.now() - t > LIMIT_MS) throw new Error("the workers never got going");
      await new Promise((r) => setTimeout(r, 100));
    }
    // The worker holding the most leases: its pid is in its heartbeat id (host:pid:random).
    const owners = await db().$queryRaw<{ owner: string; n: bigint }[]>`
      SELECT "leaseOwner" AS owner, COUNT(*) AS n FROM "Mailbox" WHERE "leaseOwner" IS NOT NULL GROUP BY 1 ORDER BY 2 DESC`;
    const heartbeats = await db().workerHeartbeat.findMany({ select: { id: true, pid: true } });
    const victimId = owners[0]?.owner ?? heartbeats[0].id;
    const victimPid = heartbeats.find((h) => h.id === victimId)!.pid;
    const victim = workers.find((w) => w.pid === victimPid);
    const atKill = await stored();
    const leasedAtKill = Number(owners.find((o) => o.owner === victimId)?.n ?? 0);
    if (!victim) throw new Error(`no worker process has pid ${victimPid}`);
    victim.kill("SIGKILL");
    const killedAt = performance.now();
    console.log(`killed ${victimId} (pid ${victimPid}) holding ${leasedAtKill} leases, ${atKill} of ${total} stored`);
    let releasedS = NaN;
    let n = atKill;
    while (performance.now() - killedAt < LIMIT_MS) {
      n = await stored();
      if (Number.isNaN(releasedS)) {
        const held = await db().mailbox.count({ where: { leaseOwner: victimId } });
        if (held === 0) releasedS = (performance.now() - killedAt) / 1000;
      }
      if (n >= total) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const failoverS = (performance.now() - killedAt) / 1000;
    const dup = await db().$queryRaw<{ n: bigint }[]>`
      SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM "Message" WHERE "internetMessageId" IS NOT NULL
                GROUP BY "mailboxId", "internetMessageId" HAVING COUNT(*) > 1) a)
           + (SELECT COUNT(*) FROM (SELECT 1 FROM "Message" GROUP BY "mailboxId", "sourceKey" HAVING COUNT(*) > 1) b) AS n`;
    const distinct = Number(
      (await db().$queryRaw<{ n: bigint }[]>`SELECT COUNT(DISTINCT ("mailboxId", "sourceKey")) AS n FROM "Message"`)[0].n,
    );
    const lost = total - distinct;
    const duplicates = Number(dup[0].n);
    console.log(
      `\nfailover: ${count} mailboxes × ${perBox} messages, 2 workers, one killed (SIGKILL) at ${Math.round((atKill / total) * 100)} %: all stored ${failoverS.toFixed(1)} s after the kill (goal ≤ 15 s)`,
    );
    console.log(
      `dead worker's leases released after ${releasedS.toFixed(1)} s (heartbeat every ${process.env.WORKER_HEARTBEAT_SECONDS ?? 2} s; before: the ${LEASE_MS / 1000} s lease); ${total - atKill} messages were left at the kill`,
    );
    console.log(`lost ${lost}, duplicated ${duplicates} (goal 0, 0)`);
    report({
      failover_s: Number(failoverS.toFixed(1)),
      failover_release_s: Number(releasedS.toFixed(1)),
      failover_left_at_kill: total - atKill,
      failover_lost: lost,
      failover_duplicates: duplicates,
    });
    for (const w of workers) w.kill("SIGTERM");
    const alive = (w: ChildProcess) => w.exitCode === null && w.signalCode === null;
    await Promise.all(workers.map((w) => (alive(w) ? new Promise((r) => w.once("exit", r)) : undefined)));
    await db().$disconnect();
  } finally {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill("SIGKILL");
    await sb.stop();
  }
} finally {
  await pg.stop();
}
