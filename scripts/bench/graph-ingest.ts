// Consentry's Graph ingest benchmark (run by `npm run bench`): N messages in a sandbox mailbox are
// synced into PostgreSQL through the worker's real path (claim with a lease, token, Graph reader:
// delta pages, MIME through JSON `$batch`, store, release), and the time is reported against the
// baseline a user would write instead, measured in the same run: bare
// @microsoft/microsoft-graph-client paging the folder's delta and GETting each message's `$value`
// in turn, into memory. The sandbox runs in its own process. The request budget (10,000 per 10
// minutes per app and mailbox) is raised in the sandbox for the run: the baseline twice and the
// sync once would spend 30,000 requests of one app on one mailbox, which real Graph would throttle
// (the sync paces itself under that budget; lib/sync/graph-reader.ts). The baseline runs before
// and after the sync; the faster of the two counts.
//   tsx --conditions=react-server scripts/bench/graph-ingest.ts [--quick] [count] [size=4096]
import { Client, ResponseType } from "@microsoft/microsoft-graph-client";
import { args, benchDatabase, childSandbox, quick, report } from "./harness";

const count = Number(args[0] ?? (quick ? 200 : 10_000));
const size = Number(args[1] ?? 4096);
const GRAPH_SCOPE = "https://graph.microsoft.com/Mail.ReadWrite";

const pg = await benchDatabase("graph-ingest");
try {
  const { db } = await import("../../lib/db/client");
  const { resetEnvCache } = await import("../../lib/env");
  const { mailboxWithSandboxGrant, useSandboxCloud } = await import("../../testing/sandbox-grant");
  const { syncDueMailboxes } = await import("../../lib/sync/sync-loop");
  const { SEED } = await import("../../sandbox/directory/seed");
  const sb = await childSandbox();
  useSandboxCloud(sb as never);
  const F = SEED.fabrikam;
  const user = `helpdesk@${F.domain}`;
  try {
    const load = await sb.admin("POST", `/admin/mail/mailboxes/${user}/bulk-load`, { count, size });
    if (load.status !== 201) throw new Error(`bulk-load failed: ${JSON.stringify(load.body)}`);
    const total = load.body.total as number;
    const budget = await sb.admin("PUT", "/admin/graph/throttling", { requestsPerWindow: 1_000_000 });
    if (budget.status !== 200) throw new Error(`throttling settings refused: ${JSON.stringify(budget.body)}`);
    process.env.GRAPH_REQUESTS_PER_WINDOW = "1000000";
    resetEnvCache();

    // Baseline: what a user would write: graph-client paging the delta, then each message's MIME.
    const bare = async () => {
      const tok = await sb.admin("POST", "/admin/tokens", { upn: user, clientId: F.clientId, scopes: [GRAPH_SCOPE] });
      const client = Client.init({
        authProvider: (done) => done(null, tok.body.access_token),
        baseUrl: `${new URL(sb.urls.graph).origin}/`,
        customHosts: new Set([new URL(sb.urls.graph).hostname]),
      });
      const t = performance.now();
      const kept: Buffer[] = [];
      let url: string | undefined = `/users/${user}/mailFolders/inbox/messages/delta`;
      while (url) {
        const page = (await client.api(url).get()) as { value: { id: string }[]; "@odata.nextLink"?: string };
        for (const m of page.value) {
          const buf = (await client
            .api(`/users/${user}/messages/${m.id}/$value`)
            .responseType(ResponseType.ARRAYBUFFER)
            .get()) as ArrayBuffer;
          kept.push(Buffer.from(buf));
        }
        url = page["@odata.nextLink"];
      }
      const ms = performance.now() - t;
      if (kept.length !== total) throw new Error(`bare client got ${kept.length} of ${total}`);
      return ms;
    };
    const base1 = await bare();

    const m = await mailboxWithSandboxGrant(sb as never, user, {
      tenant: F,
      scopes: [GRAPH_SCOPE],
      mailbox: { inbound: "graph", outbound: "none" },
    });
    const t = performance.now();
    const claimed = await syncDueMailboxes("bench-worker", { concurrency: 1, only: [m.ctx.mailboxId] });
    const syncMs = performance.now() - t;
    const stored = await db().message.count({ where: { mailboxId: m.ctx.mailboxId } });
    const state = await db().mailbox.findUniqueOrThrow({ where: { id: m.ctx.mailboxId }, select: { leaseOwner: true, stateCode: true } });
    if (claimed !== 1 || stored !== total || state.leaseOwner !== null)
      throw new Error(`claimed ${claimed}, stored ${stored} of ${total}, lease ${state.leaseOwner}, state ${state.stateCode}`);

    const base2 = await bare();
    const baseMs = Math.min(base1, base2);
    const ratio = baseMs / syncMs;
    const rate = (ms: number) => Math.round(total / (ms / 1000));
    console.log(
      `\nGraph ingest into PostgreSQL (claim, sync, release): ${stored} messages of ~${size} B in ${(syncMs / 1000).toFixed(2)} s (${rate(syncMs)} msg/s)`,
    );
    console.log(
      `baseline bare graph-client delta paging + GET $value per message into memory: ${(base1 / 1000).toFixed(2)} s before, ${(base2 / 1000).toFixed(2)} s after (${rate(baseMs)} msg/s)`,
    );
    console.log(`Graph ingest = ${ratio.toFixed(2)}× the bare client's speed (goal ≥ 1.5×)`);
    report({
      graph_ingest_ratio: Number(ratio.toFixed(3)),
      graph_ingest_msgs: stored,
      graph_ingest_msg_per_s: rate(syncMs),
      graph_bare_msg_per_s: rate(baseMs),
    });
    await db().$disconnect();
  } finally {
    await sb.stop();
  }
} finally {
  await pg.stop();
}
