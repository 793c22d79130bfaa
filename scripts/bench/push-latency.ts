// Push latency (run by `npm run bench`): 50 deliveries (quick: 10), 1 s apart, each into an IMAP
// mailbox watched with IDLE AND into a Graph mailbox with a change-notification subscription; each
// measured from the moment the bench asks the sandbox to deliver to the moment the Message row is
// committed in PostgreSQL (a dedicated connection polls every 5 ms). The Graph notification reaches
// Consentry's real route handler (app/api/graph/notifications/route.ts, served by a node http
// server in this process: the sandbox validates the URL and POSTs to it). The worker side runs in
// this process as workers/main.ts wires it: the IDLE watcher (onNewMail), the LISTEN/NOTIFY
// listener, and the worker's scheduler (lib/sync/scheduler.ts) woken for the mailbox by both.
// `--baseline`: the loop as it was before push started the sync (marks due; the loop sleeps 3 s
// when idle and nothing wakes it), for a before/after in one run.
//   tsx --conditions=react-server scripts/bench/push-latency.ts [--quick] [--baseline] [deliveries]
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { args, benchDatabase, childSandbox, percentile, quick, report } from "./harness";

const deliveries = Number(args[0] ?? (quick ? 10 : 50));
const baseline = process.argv.includes("--baseline");
const SYNC_TICK_MS = 3_000; // the idle sleep of the loop the scheduler replaced
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const db0 = await benchDatabase("push-latency");
try {
  const { db } = await import("../../lib/db/client");
  const { mailboxWithSandboxGrant, useSandboxCloud } = await import("../../testing/sandbox-grant");
  const { syncDueMailboxes } = await import("../../lib/sync/sync-loop");
  const { IdleWatcher } = await import("../../lib/sync/imap-idle");
  const { ensureSubscription } = await import("../../lib/sync/graph-push");
  const { listenDue } = await import("../../lib/sync/wakeups");
  const { SyncScheduler } = await import("../../lib/sync/scheduler");
  const { SEED } = await import("../../sandbox/directory/seed");
  const { NextRequest } = await import("next/server");
  const route = await import("../../app/api/graph/notifications/route");
  const F = SEED.fabrikam;
  const sb = await childSandbox();
  useSandboxCloud(sb as never);

  // Consentry's notification route behind a plain node http server.
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const body = Buffer.concat(chunks);
      const nreq = new NextRequest(`http://127.0.0.1${req.url}`, { method: req.method, headers, body: body.length ? body : undefined });
      void route
        .POST(nreq)
        .then(async (r) => {
          res.writeHead(r.status, Object.fromEntries(r.headers.entries()));
          res.end(Buffer.from(await r.arrayBuffer()));
        })
        .catch(() => res.writeHead(500).end());
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/graph/notifications`;

  const stops: (() => Promise<unknown>)[] = [];
  try {
    const imapUser = `helpdesk@${F.domain}`;
    const graphUser = `bob@${F.domain}`;
    const imap = await mailboxWithSandboxGrant(sb as never, imapUser, { tenant: F });
    const graph = await mailboxWithSandboxGrant(sb as never, graphUser, {
      tenant: F,
      scopes: ["https://graph.microsoft.com/Mail.ReadWrite"],
      mailbox: { inbound: "graph", outbound: "none" },
    });
    const only = [imap.ctx.mailboxId, graph.ctx.mailboxId];
    if ((await ensureSubscription(graph.ctx, { url })) !== "created") throw new Error("no Graph subscription");

    // The worker side, as workers/main.ts wires it: the scheduler, woken for a mailbox by this
    // process's IDLE push and by NOTIFY. `--baseline`: the loop it replaced (claim, sync, sleep 3 s).
    let stopping = false;
    const scheduler = new SyncScheduler("bench-worker", { concurrency: 4, only });
    // Where the time goes: when this process heard of each delivery (IDLE EXISTS; NOTIFY),
    // each from the delivery's start.
    const started: Record<string, number> = {}; // mailboxId → start of its latest delivery
    const stage: Record<"exists" | "notify", number[]> = { exists: [], notify: [] };
    const heard = (name: keyof typeof stage, id: string) => {
      const s = started[id];
      if (s !== undefined && stage[name].length < deliveries * 2) stage[name].push(performance.now() - s);
    };
    const seenExists = new Set<number>();
    const seenNotify = new Set<string>();
    const onNewMail = (id: string) => {
      if (!seenExists.has(started[id])) (seenExists.add(started[id]), heard("exists", id));
      if (!baseline) scheduler.wake(id);
    };
    const onNotify = (id: string) => {
      if (!seenNotify.has(`${id}:${started[id]}`)) (seenNotify.add(`${id}:${started[id]}`), heard("notify", id));
      if (!baseline) scheduler.wake(id);
    };
    const unlisten = await listenDue(onNotify, { onReconnect: () => scheduler.wake() });
    stops.push(unlisten);
    const watcher = new IdleWatcher("bench-worker", 5, undefined, only, { onNewMail });
    stops.push(() => watcher.stop());
    const syncLoop = baseline
      ? (async () => {
          while (!stopping) {
            const n = await syncDueMailboxes("bench-worker", { concurrency: 4, only }).catch(() => 0);
            if (n === 0) await sleep(SYNC_TICK_MS);
          }
        })()
      : scheduler.start();
    stops.push(async () => {
      stopping = true;
      await scheduler.stop();
      await syncLoop;
    });
    const tickLoop = setInterval(() => void watcher.tick().catch(() => undefined), 10_000);
    stops.push(async () => clearInterval(tickLoop));
    await watcher.tick();
    // First syncs done and the IDLE session open before measuring.
    const t0 = Date.now();
    while (!(
      watcher.isIdling(imap.ctx.mailboxId) && (await db().mailbox.count({ where: { id: { in: only }, lastSyncAt: { not: null } } })) === 2
    )) {
      if (Date.now() - t0 > 60_000) throw new Error("the mailboxes never finished their first sync / IDLE never started");
      await sleep(100);
    }
    await sleep(1_000);

    // Committed rows, seen from a connection of their own.
    const watch = new pg.Client({ connectionString: db0.url });
    await watch.connect();
    stops.push(() => watch.end());
    const pending = new Map<string, number>(); // subject → delivery start
    const latencies: Record<"imap" | "graph", number[]> = { imap: [], graph: [] };
    let polling = true;
    const poller = (async () => {
      while (polling) {
        if (pending.size) {
          const r = await watch.query<{ subject: string }>(
            `SELECT "subject" FROM "Message" WHERE "mailboxId" = ANY($1) AND "subject" = ANY($2)`,
            [only, [...pending.keys()]],
          );
          const seen = performance.now();
          for (const { subject } of r.rows) {
            const start = pending.get(subject);
            if (start === undefined) continue;
            pending.delete(subject);
            latencies[subject.startsWith("imap") ? "imap" : "graph"].push(seen - start);
          }
        }
        await sleep(5);
      }
    })();
    const deliver = async (kind: "imap" | "graph", address: string, i: number) => {
      const subject = `${kind} push ${i} ${Date.now()}`;
      pending.set(subject, performance.now());
      started[kind === "imap" ? imap.ctx.mailboxId : graph.ctx.mailboxId] = performance.now();
      const r = await sb.admin("POST", `/admin/mail/mailboxes/${address}/messages`, {
        raw: `From: bench@example.com\nTo: ${address}\nSubject: ${subject}\n\nhello ${i}\n`,
      });
      if (r.status >= 300) throw new Error(`delivery failed: ${r.status}`);
    };
    for (let i = 0; i < deliveries; i++) {
      const tick = performance.now();
      await Promise.all([deliver("imap", imapUser, i), deliver("graph", graphUser, i)]);
      await sleep(Math.max(0, 1_000 - (performance.now() - tick)));
    }
    const until = Date.now() + 15_000;
    while (pending.size && Date.now() < until) await sleep(20);
    polling = false;
    await poller;
    if (pending.size) throw new Error(`${pending.size} deliveries never reached the database`);

    const all = [...latencies.imap, ...latencies.graph];
    const f = (ms: number) => `${Math.round(ms)} ms`;
    const line = (name: string, s: number[]) =>
      `${name}: p50 ${f(percentile(s, 50))}, p95 ${f(percentile(s, 95))}, max ${f(Math.max(...s))} (${s.length})`;
    console.log(`\npush latency, delivery → committed row${baseline ? " (BASELINE: poll loop, no wake-up)" : ""}`);
    console.log(line("IMAP IDLE", latencies.imap));
    console.log(line("Graph notification", latencies.graph));
    console.log(`${line("both", all)} (goal p50 ≤ 300 ms, p95 ≤ 1,000 ms)`);
    console.log(
      `stages from delivery start (p50): IMAP EXISTS heard ${f(percentile(stage.exists, 50))}; NOTIFY heard (both) ${f(percentile(stage.notify, 50))}; row committed ${f(percentile(all, 50))}`,
    );
    const k = baseline ? "push_baseline" : "push";
    report({
      [`${k}_p50_ms`]: Math.round(percentile(all, 50)),
      [`${k}_p95_ms`]: Math.round(percentile(all, 95)),
      [`${k}_imap_p95_ms`]: Math.round(percentile(latencies.imap, 95)),
      [`${k}_graph_p95_ms`]: Math.round(percentile(latencies.graph, 95)),
      [`${k}_deliveries`]: all.length,
    });
  } finally {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    server.close();
    await db().$disconnect();
    await sb.stop();
  }
} finally {
  await db0.stop();
}
