// `npm run demo`: embedded PostgreSQL (unless DATABASE_URL), migrations, demo seed, the Microsoft
// 365 sandbox, the web app on :3000 and the worker. Ctrl-C stops everything; .data/ is reused.
import { readFileSync } from "node:fs";
import https from "node:https";
import path from "node:path";
import { prepareDatabase } from "./lib/prepare-database";
import { resealOnStart } from "./lib/reseal-on-start";
import { loadOrCreateLocalSecrets } from "./lib/local-secrets";
import { bin, isBuildStale, isPortFree, startChild, stopChildren, waitForHttp, type TChild } from "./lib/processes";
import { launchSandbox } from "./lib/sandbox-launch";
import { env as readEnv, resetEnvCache } from "../lib/env";
import { demoDatabaseRefusal } from "./lib/production-checks";
import { SEED, SEED_PASSWORD } from "../sandbox/directory/seed";

const isDev = process.argv.includes("--dev");
const dataDir = path.resolve(process.env.CONSENTRY_DATA_DIR ?? ".data");
const port = Number(process.env.PORT ?? 3000);
const log = (l: string) => console.log(`[demo] ${l}`);

/** POSTs to the sandbox's admin API, trusting its CA explicitly (this process started before it existed). */
function sandboxAdminPost<T>(base: string, caPath: string, p: string, body: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const u = new URL(p, base);
    const req = https.request(u, { method: "POST", ca: readFileSync(caPath), headers: { "content-type": "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () =>
        res.statusCode === 200
          ? resolve(JSON.parse(Buffer.concat(chunks).toString()) as T)
          : reject(new Error(`sandbox ${p}: ${res.statusCode}`)),
      );
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

async function main() {
  const refusal = demoDatabaseRefusal(readEnv(), process.argv);
  if (refusal) {
    console.error(`[demo] refused: ${refusal}`);
    process.exit(1);
  }
  // Fail before starting anything: otherwise we would "find" another program's server on the port.
  if (!(await isPortFree(port))) {
    console.error(`[demo] port ${port} is already in use (another demo still running?). Stop it, or run with PORT=${port + 1}.`);
    process.exit(1);
  }
  const secrets = loadOrCreateLocalSecrets(dataDir);
  const password = process.env.DEMO_PASSWORD ?? secrets.ownerPassword;
  log(process.env.DATABASE_URL ? "using DATABASE_URL" : `starting embedded PostgreSQL in ${path.join(dataDir, "pg")}`);
  const database = await prepareDatabase({ dataDir, port: Number(process.env.CONSENTRY_PG_PORT ?? 54329), log });
  const publicUrl = process.env.CONSENTRY_PUBLIC_URL ?? `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    CONSENTRY_DATA_DIR: dataDir,
    CONSENTRY_ENCRYPTION_KEY: process.env.CONSENTRY_ENCRYPTION_KEY ?? secrets.encryptionKey,
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? secrets.nextauthSecret,
    NEXTAUTH_URL: publicUrl,
    CONSENTRY_PUBLIC_URL: publicUrl,
    // A local demo may point webhooks at a receiver on this machine.
    WEBHOOK_ALLOW_PRIVATE: process.env.WEBHOOK_ALLOW_PRIVATE ?? "1",
  };
  Object.assign(process.env, env);
  resetEnvCache();
  await resealOnStart({ databaseUrl: database.url, keySpec: env.CONSENTRY_ENCRYPTION_KEY!, log });

  let shuttingDown = false;
  const shutdown = async (code = 0) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log("stopping…");
    await stopChildren();
    await database.stop().catch(() => undefined);
    log("stopped");
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  const sandbox = await launchSandbox(dataDir, env);
  if (sandbox) {
    Object.assign(env, sandbox.env, { NODE_EXTRA_CA_CERTS: sandbox.caPath });
    // Staff SSO through the sandbox's MSP tenant, unless a real Entra app is configured.
    if (!env.AUTH_ENTRA_CLIENT_ID)
      Object.assign(env, {
        AUTH_ENTRA_CLOUD: "sandbox",
        AUTH_ENTRA_TENANT: SEED.msp.id,
        AUTH_ENTRA_CLIENT_ID: SEED.mspApp.clientId,
        AUTH_ENTRA_CLIENT_SECRET: SEED.mspApp.secret,
      });
    log(`sandbox up; Consentry trusts its CA at ${sandbox.caPath}`);
  }

  const { seedDemo } = await import("../prisma/seed");
  await seedDemo({
    password,
    mint: sandbox ? (p) => sandboxAdminPost(sandbox.env.SANDBOX_LOGIN_URL!, sandbox.caPath, "/admin/tokens", p) : undefined,
  });
  log("demo workspace seeded");

  let web: TChild;
  if (isDev) {
    web = startChild("web", bin("next"), ["dev", "-p", String(port)], env);
  } else {
    if (isBuildStale()) {
      log("building the web app (first run or sources changed; takes a minute or two)…");
      const build = startChild("build", bin("next"), ["build"], { ...env, NODE_ENV: "production" }, { quiet: true });
      const code = await new Promise<number>((r) => build.proc.on("exit", (c) => r(c ?? 1)));
      if (code !== 0) {
        log("next build failed; run `npm run build` to see why");
        return shutdown(1);
      }
    }
    web = startChild("web", bin("next"), ["start", "-p", String(port)], { ...env, NODE_ENV: "production" });
  }
  const worker = startChild("worker", bin("tsx"), ["--conditions=react-server", "workers/main.ts"], env);
  worker.proc.on("exit", (c) => !shuttingDown && log(`worker exited (${c}); the dashboard will show no worker`));
  try {
    await waitForHttp(`http://127.0.0.1:${port}/login`, 300_000, () => web.proc.exitCode === null && !web.proc.signalCode);
  } catch {
    log("the web app stopped before it answered; see its output above");
    return shutdown(1);
  }

  const bar = "─".repeat(60);
  console.log(
    `\n${bar}\n  Consentry is running: ${publicUrl}\n\n  Sign in:   owner@demo.msp  /  ${password}\n  Also:      tech@demo.msp (technician, Contoso only), support@demo.msp (read-only), same password\n${sandbox && env.AUTH_ENTRA_CLIENT_ID === SEED.mspApp.clientId ? `  Microsoft: "Sign in with Microsoft" as admin@${SEED.msp.domain} / ${SEED_PASSWORD} (sandbox account)\n` : ""}${sandbox ? `  Sandbox:   ${sandbox.env.SANDBOX_LOGIN_URL}/sandbox  (Microsoft 365 emulator console)\n` : ""}\n  Ctrl-C stops everything. Data stays in ${dataDir}.\n${bar}\n`,
  );
}

main().catch(async (err) => {
  console.error(`[demo] failed: ${(err as Error).message}`);
  await stopChildren();
  process.exit(1);
});
