// Profile (not a bench scenario): what one IDLE session costs in memory, in this process, against
// the sandbox in its own process. Opens N sessions three ways and prints the growth of RSS, V8 heap
// and external/ArrayBuffer memory per session after a full GC: bare TLS sockets that only read the
// greeting (the floor), imapflow sessions as lib/mail/imap.ts opens them for watching (signed in,
// INBOX selected, IDLE), and the same with one shared TLS context.
//   NODE_EXTRA_CA_CERTS=<test CA> tsx --conditions=react-server --expose-gc scripts/bench/idle-session-memory.ts [n=300]
import tls from "node:tls";
import { args, benchDatabase, childSandbox } from "./harness";
import { fleet } from "./fleet";

const n = Number(args[0] ?? 300);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

async function snap() {
  for (let i = 0; i < 3; i++) {
    gc!();
    await sleep(50);
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}
const per = (a: Awaited<ReturnType<typeof snap>>, b: Awaited<ReturnType<typeof snap>>) =>
  Object.fromEntries(Object.entries(b).map(([k, v]) => [k, `${Math.round((v - a[k as keyof typeof a]) / n / 1024)} KB`]));

const pg = await benchDatabase("idle-memory");
const { IMAP_SCOPE, useSandboxCloud } = await import("../../testing/sandbox-grant");
const { imapClient } = await import("../../lib/mail/imap");
const { SEED } = await import("../../sandbox/directory/seed");
const sb = await childSandbox();
useSandboxCloud(sb as never);
try {
  await sb.admin("PUT", "/admin/mail/settings", { connectionLimit: 1000 });
  const user = `helpdesk@${SEED.fabrikam.domain}`;
  const tok = await sb.admin("POST", "/admin/tokens", { upn: user, clientId: SEED.fabrikam.clientId, scopes: [IMAP_SCOPE] });
  const accessToken = tok.body.access_token as string;

  // 1. Bare TLS sockets, greeting read, kept open.
  let s0 = await snap();
  const sockets: tls.TLSSocket[] = [];
  for (let i = 0; i < n; i++)
    sockets.push(
      await new Promise<tls.TLSSocket>((resolve, reject) => {
        const s = tls.connect({ host: "localhost", port: sb.ports.imap, servername: "localhost" });
        s.once("data", () => resolve(s));
        s.once("error", reject);
      }),
    );
  console.log("bare TLS socket (greeting read):", per(s0, await snap()));
  for (const s of sockets) s.destroy();
  await sleep(500);

  // 2. imapflow watch sessions, as lib/sync/imap-idle.ts opens them.
  const open = async (extra: Record<string, unknown> = {}) => {
    const c = imapClient({ hosts: { imap: { host: "localhost", port: sb.ports.imap } }, user, accessToken, ...extra }, "watch");
    await c.connect();
    await c.mailboxOpen("INBOX", { readOnly: true });
    return c;
  };
  s0 = await snap();
  const clients = [];
  for (let i = 0; i < n; i++) clients.push(await open());
  await sleep(1500); // autoIdleDelay: every session in IDLE
  console.log(`imapflow watch session (IDLE: ${clients.filter((c) => c.idling).length}/${n}):`, per(s0, await snap()));
  await Promise.all(clients.map((c) => c.logout().catch(() => c.close())));

  // 3. The whole watch: IdleWatcher over N mailboxes of their own (grant, token refresh, lease).
  const { IdleWatcher } = await import("../../lib/sync/imap-idle");
  const { boxes } = await fleet(sb, {
    count: n,
    prefix: "mem",
    scopes: [IMAP_SCOPE],
    inbound: "imap",
    due: new Date(Date.now() + 3600_000),
  });
  const ids = boxes.map((b) => b.id);
  const w = new IdleWatcher("mem-worker", n, undefined, ids);
  await w.tick(); // warm the code paths once
  s0 = await snap();
  const rss0 = process.memoryUsage().rss;
  while (!ids.every((id) => w.isIdling(id))) await sleep(200);
  const rssNoGc = process.memoryUsage().rss;
  console.log(
    `IdleWatcher, ${n} mailboxes in IDLE: RSS before GC ${Math.round((rssNoGc - rss0) / n / 1024)} KB per watch; after GC:`,
    per(s0, await snap()),
  );
  await w.stop();
} finally {
  await sb.stop();
  await pg.stop();
}
