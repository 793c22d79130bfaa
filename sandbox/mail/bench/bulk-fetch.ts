// Benchmark: bulk-load N messages of S bytes into one mailbox through the admin API, then run a
// full `UID FETCH 1:* (UID FLAGS BODY.PEEK[])` over TLS with imapflow.
//   npx tsx sandbox/mail/bench/bulk-fetch.ts [count=100000] [size=4096]
import { ImapFlow } from "imapflow";
import { startMailSandbox } from "../../../testing/start-mail-sandbox";

const count = Number(process.argv[2] ?? 100_000);
const size = Number(process.argv[3] ?? 4096);
const user = "bob@contoso.onmicrosoft.com";

const sb = await startMailSandbox();
try {
  let t = performance.now();
  const load = await sb.admin<{ total: number }>("POST", `/admin/mail/mailboxes/${user}/bulk-load`, { count, size });
  if (load.status !== 201) throw new Error(`bulk-load failed: ${load.status} ${JSON.stringify(load.body)}`);
  const loadMs = performance.now() - t;
  console.log(`bulk-load: ${load.body.total} messages of ~${size} B in ${(loadMs / 1000).toFixed(2)} s`);

  const client = new ImapFlow({
    host: "localhost",
    port: sb.imapPort,
    secure: true,
    tls: { ca: sb.ctx.tls.ca },
    auth: { user, accessToken: await sb.ctx.mint({ upn: user, scopes: ["IMAP.AccessAsUser.All"] }) },
    logger: false,
  });
  await client.connect();
  await client.mailboxOpen("INBOX");
  t = performance.now();
  let n = 0;
  let bytes = 0;
  for await (const m of client.fetch("1:*", { uid: true, flags: true, source: true }, { uid: true })) {
    n++;
    bytes += m.source?.length ?? 0;
  }
  const fetchMs = performance.now() - t;
  await client.logout();
  if (n !== load.body.total) throw new Error(`fetched ${n} of ${load.body.total}`);
  console.log(
    `UID FETCH 1:* (UID FLAGS BODY.PEEK[]): ${n} messages, ${(bytes / 1e6).toFixed(1)} MB in ${(fetchMs / 1000).toFixed(2)} s (${Math.round(n / (fetchMs / 1000))} msg/s)`,
  );
  console.log(`rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
} finally {
  await sb.stop();
}
