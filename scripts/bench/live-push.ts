// Live push at scale (run by `npm run bench`): N IMAP mailboxes (1,000; quick 100), each a sandbox
// user with a real delegated grant, watched with IDLE by ONE real worker process (workers/main.ts,
// WORKER_IDLE_SLOTS=N, every loop running). Reported: how many IDLE sessions the worker holds (its
// established sockets to the sandbox's IMAP port, read from /proc), how long it took to open them,
// the worker's RSS and CPU over an idle window (30 s; quick 10 s) from /proc/<pid>/stat, and then
// that push works: mail delivered to a sample of the mailboxes is stored by the worker.
// Baseline in the same run: the same worker with WORKER_IDLE_SLOTS=0 (no watches) over the same
// window, so the per-session cost is (RSS_N − RSS_0) / N.
// The mailboxes' polls are set an hour out, so the window measures push, not the one-minute poll.
//   tsx --conditions=react-server scripts/bench/live-push.ts [--quick] [count]
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { args, benchDatabase, childSandbox, quick, report } from "./harness";
import { fleet, pool } from "./fleet";

const count = Number(args[0] ?? (quick ? 100 : 1_000));
const windowS = quick ? 10 : 30;
const TICKS = 100; // USER_HZ on Linux

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cpuTicks(pid: number): number {
  // Fields after the command name: utime and stime are the 12th and 13th after ") ".
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
  return Number(f[11]) + Number(f[12]);
}
const rssMb = (pid: number) => Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/)![1]) / 1024;

/** Established TCP connections of `pid` to `port` on loopback (its sockets matched against /proc/net/tcp*). */
function sessionsTo(pid: number, port: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = readlinkSync(`/proc/${pid}/fd/${fd}`).match(/^socket:\[(\d+)\]$/);
      if (m) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  let n = 0;
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"])
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const c = line.trim().split(/\s+/);
      if (c.length > 9 && c[2].endsWith(`:${hexPort}`) && c[3] === "01" && inodes.has(c[9])) n++;
    }
  return n;
}

function startWorker(slots: number): ChildProcess {
  // node itself (not the tsx CLI, which would run the worker in a child of its own): /proc/<pid> is the worker.
  const w = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "workers/main.ts"], {
    env: { ...process.env, WORKER_IDLE_SLOTS: String(slots), LOG_LEVEL: "warn", WORKER_HEARTBEAT_SECONDS: "10" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return w;
}

async function stopWorker(w: ChildProcess) {
  if (w.exitCode !== null) return;
  const exited = new Promise((r) => w.once("exit", r));
  w.kill("SIGTERM");
  await Promise.race([exited, sleep(30_000)]);
  if (w.exitCode === null) w.kill("SIGKILL");
}

/** RSS at the end and CPU % of one core over `seconds` of the worker sitting idle. */
async function idleWindow(pid: number, seconds: number) {
  const c0 = cpuTicks(pid);
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const cpu = ((cpuTicks(pid) - c0) / TICKS / ((performance.now() - t0) / 1000)) * 100;
  return { cpuPct: cpu, rssMb: rssMb(pid) };
}

const pg = await benchDatabase("live-push");
try {
  const { db } = await import("../../lib/db/client");
  const { IMAP_SCOPE, useSandboxCloud } = await import("../../testing/sandbox-grant");
  const sb = await childSandbox();
  useSandboxCloud(sb as never);
  try {
    const t = performance.now();
    const { boxes } = await fleet(sb, {
      count,
      prefix: "live",
      scopes: [IMAP_SCOPE],
      inbound: "imap",
      due: new Date(Date.now() + 3600_000),
    });
    console.log(`${count} sandbox users, mailboxes and grants in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // Baseline: the same worker watching nothing (skipped by --quick, to stay short).
    let idle0 = { cpuPct: NaN, rssMb: NaN };
    if (!quick) {
      const base = startWorker(0);
      await sleep(20_000); // started (tsx compiles and V8 warms up), first rounds done
      idle0 = await idleWindow(base.pid!, 10);
      await stopWorker(base);
    }

    const w = startWorker(count);
    const started = performance.now();
    let sessions = 0;
    while (performance.now() - started < (quick ? 120_000 : 360_000)) {
      sessions = sessionsTo(w.pid!, sb.ports.imap);
      if (sessions >= count) break;
      await sleep(200);
    }
    const warmS = (performance.now() - started) / 1000;
    await sleep(5_000); // IDLE entered (imapflow's autoIdleDelay), leases renewed once more
    const idle = await idleWindow(w.pid!, windowS);
    const held = sessionsTo(w.pid!, sb.ports.imap);

    // Push works on a sample: new mail is stored by the worker within seconds (its polls are an hour out).
    const sample = boxes.filter((_, i) => i % Math.ceil(count / 10) === 0);
    const t1 = Date.now();
    await pool(sample, 5, (b) =>
      sb.admin("POST", `/admin/mail/mailboxes/${b.address}/messages`, {
        raw: `From: bench@example.com\nTo: ${b.address}\nSubject: live push\n\nhello\n`,
      }),
    );
    let stored = 0;
    while (Date.now() - t1 < 30_000) {
      stored = await db().message.count({ where: { mailboxId: { in: sample.map((b) => b.id) } } });
      if (stored >= sample.length) break;
      await sleep(50);
    }
    const pushS = (Date.now() - t1) / 1000;
    await stopWorker(w);

    const perSessionKb = ((idle.rssMb - idle0.rssMb) * 1024) / Math.max(1, held);
    if (!quick)
      console.log(`\nworker baseline (no watches): RSS ${idle0.rssMb.toFixed(0)} MB, idle CPU ${idle0.cpuPct.toFixed(2)} % of a core`);
    console.log(
      `worker with ${held} of ${count} IMAP mailboxes in IDLE (all open after ${warmS.toFixed(1)} s): RSS ${idle.rssMb.toFixed(0)} MB (≈ ${perSessionKb.toFixed(0)} KB per session), idle CPU ${idle.cpuPct.toFixed(2)} % of a core over ${windowS} s (goal: 1,000, ≤ 400 MB, ≤ 5 %)`,
    );
    console.log(`push on a sample: ${stored} of ${sample.length} delivered messages stored by the worker in ${pushS.toFixed(1)} s`);
    if (stored < sample.length) throw new Error(`push sample: only ${stored} of ${sample.length} stored`);
    report({
      live_push_mailboxes: held,
      live_push_target: count,
      live_push_warmup_s: Number(warmS.toFixed(1)),
      scale_rss_mb: Math.round(idle.rssMb),
      scale_idle_cpu_pct: Number(idle.cpuPct.toFixed(2)),
      ...(quick
        ? {}
        : {
            scale_baseline_rss_mb: Math.round(idle0.rssMb),
            scale_baseline_idle_cpu_pct: Number(idle0.cpuPct.toFixed(2)),
            scale_rss_kb_per_session: Math.round(perSessionKb),
          }),
    });
    await db().$disconnect();
  } finally {
    await sb.stop();
  }
} finally {
  await pg.stop();
}
