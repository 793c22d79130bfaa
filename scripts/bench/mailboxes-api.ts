// The Health list's API benchmark (run by `npm run bench`): `GET /api/mailboxes` at 300 tenants ×
// 10 mailboxes (3,000) and, in a second workspace, the same grown to 100 a tenant (30,000) by
// set-based SQL inserts (testing/bulk-mailboxes.ts; --quick: 3,000 only). Requests alternate
// between the two, so the machine's load drifts for both alike and their ratio shows flatness;
// called through a real Node HTTP server (so JSON serialization and the bytes on the wire count)
// whose handler does what the route wrapper (lib/http/route.ts) does: the signed-in staff user's
// scope read from the database (as lib/auth/session.ts reads it), the query parsed with the
// route's zod schema, the page read, the JSON written. The typical queries in turn (200 of them;
// 80 with --quick): first page (failing first), one state, sorted by last sync, page 5. The
// baseline, measured in the same run: the route as it was (every mailbox in reach, unpaged:
// lib/mailboxes/list-all-mailboxes.ts). Also: a text search's p95, and how many sequential scans
// of Mailbox PostgreSQL counted while the typical queries ran (pg_stat_user_tables; goal 0).
//   tsx --conditions=react-server scripts/bench/mailboxes-api.ts [--quick]
import http from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import { benchDatabase, percentile, quick, report } from "./harness";

const SIZES = quick ? [3_000] : [3_000, 30_000];
const TENANTS = 300;
const REQUESTS = quick ? 80 : 200;
// The unpaged baseline takes seconds a request at 30,000: fewer samples there.
const beforeRequests = (size: number) => (quick ? 5 : size > 10_000 ? 5 : 20);

const pg = await benchDatabase("mailboxes-api");
let server: http.Server | null = null;
try {
  const { db } = await import("../../lib/db/client");
  // lib/auth/session.ts's scopeForStaffUser, read the same way (that module pulls in next/navigation,
  // which needs Next's React outside a Next server).
  const scopeForStaffUser = async (id: string) => {
    const user = await db().staffUser.findUnique({
      where: { id },
      include: { memberships: { include: { workspace: true }, orderBy: { createdAt: "asc" }, take: 1 } },
    });
    const m = user?.memberships[0];
    return user && !user.isDisabled && m ? { workspaceId: m.workspaceId, hasAllTenants: m.hasAllTenants, tenantIds: m.tenantIds } : null;
  };
  const { pageMailboxes, ZMailboxPageQuery } = await import("../../lib/mailboxes/mailbox-page");
  const { listAllMailboxes } = await import("../../lib/mailboxes/list-all-mailboxes");
  const { bulkConnectionTests, bulkMailboxes, bulkTenants } = await import("../../testing/bulk-mailboxes");

  // One workspace per size (300 tenants each: 10 mailboxes a tenant, then 100), so the sizes can be
  // measured interleaved: on a shared machine the load drifts, and it then drifts for both alike.
  const sized = new Map<number, { workspaceId: string; staffId: string }>();
  for (const size of SIZES) {
    const ws = await db().workspace.create({ data: { name: `Bench MSP ${size}`, slug: `bench-msp-${size}` } });
    const staff = await db().staffUser.create({ data: { email: `admin-${size}@bench.test`, name: "Bench admin" } });
    await db().membership.create({ data: { workspaceId: ws.id, staffUserId: staff.id, role: "admin", hasAllTenants: true } });
    const tenantIds = await bulkTenants(ws.id, "Bench", TENANTS);
    await bulkMailboxes(ws.id, tenantIds, 1, 3_000 / TENANTS);
    if (size > 3_000) await bulkMailboxes(ws.id, tenantIds, 3_000 / TENANTS + 1, size / TENANTS);
    await bulkConnectionTests(ws.id, 5);
    const n = await db().mailbox.count({ where: { workspaceId: ws.id } });
    if (n !== size) throw new Error(`seeded ${n} mailboxes, wanted ${size}`);
    sized.set(size, { workspaceId: ws.id, staffId: staff.id });
  }
  for (const t of ["Mailbox", "Grant", "Event", "Tenant"]) await db().$executeRawUnsafe(`VACUUM ANALYZE "${t}"`);

  // The route wrapper's steps (lib/http/route.ts `route`), with the session's user already known.
  server = http.createServer((req, res) => {
    void (async () => {
      const nreq = new NextRequest(new URL(req.url!, "http://bench.test"), { method: req.method, headers: { host: "bench.test" } });
      let out: Response;
      try {
        const scope = await scopeForStaffUser(String(req.headers["x-bench-staff"]));
        if (!scope) throw new Error("no scope");
        if (nreq.nextUrl.pathname === "/before")
          out = Response.json({ mailboxes: await listAllMailboxes({ workspaceId: scope.workspaceId, scope }) });
        else {
          const query = ZMailboxPageQuery.safeParse(Object.fromEntries(nreq.nextUrl.searchParams));
          out = query.success
            ? Response.json(await pageMailboxes(scope, query.data))
            : Response.json({ error: { code: "bad_request", message: query.error.issues[0]?.message } }, { status: 400 });
        }
      } catch (err) {
        out = Response.json({ error: String(err) }, { status: 500 });
      }
      const body = Buffer.from(await out.arrayBuffer());
      res.writeHead(out.status, { "content-type": "application/json", "content-length": body.length });
      res.end(body);
    })();
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (size: number, p: string) =>
    new Promise<{ ms: number; bytes: number; status: number }>((resolve, reject) => {
      const t = performance.now();
      http
        .get({ host: "127.0.0.1", port, path: p, agent, headers: { "x-bench-staff": sized.get(size)!.staffId } }, (r) => {
          let bytes = 0;
          r.on("data", (d: Buffer) => (bytes += d.length));
          r.on("end", () => resolve({ ms: performance.now() - t, bytes, status: r.statusCode ?? 0 }));
        })
        .on("error", reject);
    });

  const TYPICAL = {
    first: "/api/mailboxes",
    state: "/api/mailboxes?state=failing",
    lastSync: "/api/mailboxes?sort=lastSync&dir=desc",
    page5: "/api/mailboxes?page=5",
  };
  const seqScans = async () => {
    await new Promise((r) => setTimeout(r, 1200)); // statistics reach pg_stat_* within a second
    const [r] = await db().$queryRawUnsafe<{ seq_scan: bigint }[]>(`SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'Mailbox'`);
    return Number(r.seq_scan);
  };

  const figures: Record<string, number> = {};
  const r1 = (n: number) => Math.round(n * 10) / 10;
  // Before: the unpaged list, as the route answered until now.
  for (const size of SIZES) {
    await get(size, "/before");
    const before: number[] = [];
    let beforeBytes = 0;
    for (let i = 0; i < beforeRequests(size); i++) {
      const r = await get(size, "/before");
      if (r.status !== 200) throw new Error(`before: ${r.status}`);
      before.push(r.ms);
      beforeBytes = r.bytes;
    }
    console.log(`${size} mailboxes, before (unpaged): p95 ${percentile(before, 95).toFixed(0)} ms, ${beforeBytes} bytes`);
    figures[`mailboxes_api_before_p95_${size}_ms`] = Math.round(percentile(before, 95));
    figures[`mailboxes_api_before_bytes_${size}`] = beforeBytes;
  }

  // After: the typical queries in turn, the sizes interleaved request by request.
  const kinds = Object.entries(TYPICAL);
  for (const size of SIZES) for (const [, p] of kinds) await get(size, p);
  const scansBefore = await seqScans();
  const all = new Map<number, number[]>(SIZES.map((n) => [n, []]));
  const byKind = new Map<string, number[]>();
  const bytes: Record<string, number> = {};
  for (let i = 0; i < REQUESTS; i++) {
    const [kind, p] = kinds[i % kinds.length];
    for (const size of SIZES) {
      const r = await get(size, p);
      if (r.status !== 200) throw new Error(`${p}: ${r.status}`);
      all.get(size)!.push(r.ms);
      if (!byKind.has(`${size} ${kind}`)) byKind.set(`${size} ${kind}`, []);
      byKind.get(`${size} ${kind}`)!.push(r.ms);
      bytes[`${size} ${kind}`] = r.bytes;
    }
  }
  const scans = (await seqScans()) - scansBefore;
  for (const size of SIZES) {
    const search: number[] = [];
    for (let i = 0; i < 20; i++) search.push((await get(size, `/api/mailboxes?q=box00${10 + (i % 10)}@bench-01`)).ms);
    const bad = await get(size, "/api/mailboxes?limit=100000&sort=password");
    if (bad.status !== 400) throw new Error(`a hostile query answered ${bad.status}`);
    const p95 = percentile(all.get(size)!, 95);
    console.log(
      `${size} mailboxes, paged: p95 ${p95.toFixed(1)} ms (p50 ${percentile(all.get(size)!, 50).toFixed(1)}; ` +
        kinds.map(([k]) => `${k} ${percentile(byKind.get(`${size} ${k}`)!, 95).toFixed(1)}`).join(", ") +
        `), ${bytes[`${size} first`]} bytes a page; search p95 ${percentile(search, 95).toFixed(1)} ms; hostile query → ${bad.status}`,
    );
    figures[`mailboxes_api_p95_${size}_ms`] = r1(p95);
    figures[`mailboxes_api_search_p95_${size}_ms`] = r1(percentile(search, 95));
    figures[`mailboxes_api_bytes_${size}`] = bytes[`${size} first`];
  }
  console.log(`sequential scans of Mailbox during the ${REQUESTS * SIZES.length} paged requests: ${scans}`);
  figures.mailboxes_api_seq_scans = scans;
  const largest = SIZES[SIZES.length - 1];
  report({
    mailboxes_api_p95_ms: figures[`mailboxes_api_p95_${largest}_ms`],
    mailboxes_api_bytes: figures[`mailboxes_api_bytes_${largest}`],
    mailboxes_api_mailboxes: largest,
    ...(SIZES.length > 1
      ? { mailboxes_api_flatness: Math.round((figures[`mailboxes_api_p95_${largest}_ms`] / figures.mailboxes_api_p95_3000_ms) * 100) / 100 }
      : {}),
    ...figures,
  });
} finally {
  server?.close();
  await pg.stop();
}
