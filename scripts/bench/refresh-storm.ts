// Consentry's refresh storm (run by `npm run bench`): N grants whose access tokens have all expired,
// 3 worker processes each calling getAccessToken (with the production refresher) for every one of
// them at once, in its own random order, against the sandbox's token endpoint behind a 100 ms
// round trip. Counts the refresh_token redemptions at the sandbox (GET /admin/stats: exactly one per
// grant is single flight across processes), failures, and the wall time from the start signal to
// the last answer; checks that every process got the same access token for a grant and that the
// database holds a fresh one. The goal: 5,000 grants, exactly 5,000 requests, 0 failures, ≤ 30 s.
//   tsx --conditions=react-server scripts/bench/refresh-storm.ts [--quick] [grants] [rttMs=100] [processes=3]
// STORM_CPU_PROF=<dir>: each worker process writes a CPU profile there.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { benchApp, insertMailboxes } from "./fleet";
import { args, benchDatabase, childSandbox, percentile, quick, report } from "./harness";

const OUTLOOK = "https://outlook.office.com";
const IMAP_SCOPE = `${OUTLOOK}/IMAP.AccessAsUser.All`;

type TChildResult = { failures: number; errors: Record<string, number>; tokens: Record<string, string>; callMs: number[]; cpuMs: number };

if (process.argv.includes("--child")) await child();
else await main();

/** One worker process: waits for GO on stdin, then asks for every grant's token at once. */
async function child() {
  const { getAccessToken } = await import("../../lib/grants/get-access-token");
  const { microsoftRefresher } = await import("../../lib/grants/microsoft-refresher");
  const { db } = await import("../../lib/db/client");
  const grants = await db().grant.findMany({ select: { workspaceId: true, tenantId: true, mailboxId: true } });
  for (let i = grants.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [grants[i], grants[j]] = [grants[j], grants[i]];
  }
  const lines = createInterface({ input: process.stdin });
  process.stdout.write("READY\n");
  await new Promise<void>((r) => lines.once("line", () => r()));
  const out: TChildResult = { failures: 0, errors: {}, tokens: {}, callMs: [], cpuMs: 0 };
  const cpu0 = process.cpuUsage();
  await Promise.all(
    grants.map(async (g) => {
      const t = performance.now();
      try {
        const r = await getAccessToken({ ...g, resource: OUTLOOK }, microsoftRefresher);
        out.tokens[g.mailboxId] = createHash("sha256").update(r.accessToken).digest("hex").slice(0, 16);
      } catch (err) {
        out.failures += 1;
        const e = err as { code?: string; message?: string };
        const code = `${e.code ?? "?"}: ${String(e.message ?? err).slice(0, 60)}`;
        out.errors[code] = (out.errors[code] ?? 0) + 1;
      }
      out.callMs.push(performance.now() - t);
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  out.cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  await db().$disconnect();
  // The whole line before exiting (a pipe is written asynchronously; exit would cut it short).
  process.stdout.write(`DONE ${JSON.stringify(out)}\n`, () => process.exit(0));
}

async function main() {
  const grantCount = Number(args[0] ?? (quick ? 500 : 5_000));
  const rttMs = Number(args[1] ?? 100);
  const processes = Number(args[2] ?? 3);
  const pg = await benchDatabase("refresh-storm");
  try {
    const { db } = await import("../../lib/db/client");
    const { useSandboxCloud } = await import("../../testing/sandbox-grant");
    const { SEED } = await import("../../sandbox/directory/seed");
    const sb = await childSandbox({ rttMs });
    useSandboxCloud(sb as never);
    try {
      // N grants of one Contoso user (each its own refresh token), on N mailboxes of one workspace.
      const C = SEED.contoso;
      const upn = `helpdesk@${C.domain}`;
      const t0 = performance.now();
      const minted = await sb.admin("POST", "/admin/tokens/refresh-bulk", {
        upn,
        clientId: C.clientId,
        scopes: [IMAP_SCOPE, "offline_access"],
        count: grantCount,
      });
      if (minted.status !== 201) throw new Error(`refresh-bulk failed: ${JSON.stringify(minted.body)}`);
      const refreshTokens = minted.body.refresh_tokens as string[];
      const app = await benchApp(C, "Refresh storm");
      const boxes = await insertMailboxes(
        app,
        refreshTokens.map((refreshToken, i) => ({ address: `storm${i}@${C.domain}`, upn, refreshToken })),
        { inbound: "imap", scopes: [IMAP_SCOPE], due: null, expiredAccessToken: { resource: OUTLOOK } },
      );
      const ids = boxes.map((b) => b.id);
      console.log(`${grantCount} grants with expired access tokens created in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

      // The workers: each process loads Consentry, reads the grant list, and waits for GO.
      const children = Array.from({ length: processes }, () =>
        spawn(
          path.resolve("node_modules/.bin/tsx"),
          [
            ...(process.env.STORM_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.STORM_CPU_PROF}`] : []),
            "--conditions=react-server",
            "scripts/bench/refresh-storm.ts",
            "--child",
          ],
          {
            stdio: ["pipe", "pipe", "inherit"],
            env: process.env,
          },
        ),
      );
      const ready: Promise<void>[] = [];
      const results = children.map((c) => {
        const lines = createInterface({ input: c.stdout! });
        const exited = new Promise<never>((_, reject) => c.on("exit", (code) => reject(new Error(`storm worker exited (${code})`))));
        exited.catch(() => {});
        ready.push(Promise.race([new Promise<void>((r) => lines.on("line", (l) => l === "READY" && r())), exited]));
        return Promise.race([
          new Promise<TChildResult>((r) => lines.on("line", (l) => l.startsWith("DONE ") && r(JSON.parse(l.slice(5)) as TChildResult))),
          exited,
        ]);
      });
      await Promise.all(ready);
      const before = (await sb.admin("GET", "/admin/stats")).body.tokenRequests.refresh_token ?? 0;
      const sbCpu0 = (await sb.admin("GET", "/admin/process")).body.cpuMs as number;
      const t = performance.now();
      for (const c of children) c.stdin!.write("GO\n");
      const done = await Promise.all(results);
      const wallS = (performance.now() - t) / 1000;
      const requests = ((await sb.admin("GET", "/admin/stats")).body.tokenRequests.refresh_token ?? 0) - before;
      const sbCpuS = ((await sb.admin("GET", "/admin/process")).body.cpuMs - sbCpu0) / 1000;
      const workersCpuS = done.reduce((n, r) => n + r.cpuMs, 0) / 1000;

      const failures = done.reduce((n, r) => n + r.failures, 0);
      const errors: Record<string, number> = {};
      for (const r of done) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
      // Single flight: every process was handed the same token for a grant, and it is the stored one.
      let disagreements = 0;
      for (const id of ids) if (new Set(done.map((r) => r.tokens[id]).filter(Boolean)).size > 1) disagreements += 1;
      const fresh = await db().grant.count({
        where: { workspaceId: app.workspaceId, accessTokenExpiresAt: { gt: new Date(Date.now() + 5 * 60_000) } },
      });
      const calls = done.flatMap((r) => r.callMs);

      console.log(
        `\nrefresh storm: ${grantCount} grants, ${processes} processes each asking for every token at once, ${rttMs} ms round trip`,
      );
      console.log(
        `${requests} token requests (goal: exactly ${grantCount}), ${failures} failures${failures ? ` ${JSON.stringify(errors)}` : ""}, ` +
          `${disagreements} grants with differing tokens, ${fresh} grants fresh in the database, in ${wallS.toFixed(1)} s (goal ≤ 30 s at 5,000)`,
      );
      console.log(
        `per call: p50 ${percentile(calls, 50).toFixed(0)} ms, p95 ${percentile(calls, 95).toFixed(0)} ms, max ${percentile(calls, 100).toFixed(0)} ms`,
      );
      // Where the time went: CPU of the sandbox (Microsoft's side, with the latency proxy) and of the
      // workers, against the wall time on this machine's cores (state the load with the figures).
      console.log(
        `CPU: sandbox ${sbCpuS.toFixed(1)} s (${((sbCpuS / wallS) * 100).toFixed(0)} % of a core), workers ${workersCpuS.toFixed(1)} s together (${(
          (workersCpuS / wallS) *
          100
        ).toFixed(0)} % of a core); load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`,
      );
      report({
        storm_grants: grantCount,
        storm_token_requests: requests,
        storm_failures: failures + disagreements + (grantCount - fresh),
        storm_wall_s: Number(wallS.toFixed(1)),
        storm_call_p95_ms: Math.round(percentile(calls, 95)),
        storm_sandbox_cpu_s: Number(sbCpuS.toFixed(1)),
        storm_workers_cpu_s: Number(workersCpuS.toFixed(1)),
      });
      await db().$disconnect();
    } finally {
      await sb.stop();
    }
  } finally {
    await pg.stop();
  }
}
