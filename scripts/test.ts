// `npm test`: every test. Unit + integration (Vitest, against a fresh embedded PostgreSQL and the
// sandbox), then Playwright e2e in Chromium against a production build with its own database,
// sandbox and seeded workspaces. Prints each runner's summary and a final "N passed, N failed".
import { SEED } from "../sandbox/directory/seed";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { findChromium } from "../testing/browser";
import { bin, isBuildStale, startChild, stopChildren, waitForHttp } from "./lib/processes";
import { prepareDatabase } from "./lib/prepare-database";
import { launchSandbox } from "./lib/sandbox-launch";
import { resetEnvCache } from "../lib/env";

const args = process.argv.slice(2);
const e2eOnly = args.includes("--e2e-only");
const unitOnly = args.includes("--unit-only");
const out = path.resolve(".data/test-results");
mkdirSync(out, { recursive: true });

const chromium = findChromium();
if (!chromium && !unitOnly) {
  console.error(
    "No Chromium for the browser tests: install one with `apt-get install -y chromium` (or `npx playwright install chromium`).",
  );
  process.exit(1);
}
if (chromium) process.env.CONSENTRY_CHROMIUM = chromium;

function run(cmd: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn(cmd, argv, { stdio: "inherit", env });
    p.on("exit", (code) => resolve(code ?? 1));
  });
}

type TTotals = { passed: number; failed: number; skipped: number };
const totals: TTotals = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;

/** ESLint and Prettier hold the layout; a violation fails the run like a failing test. */
async function lint() {
  const eslint = await run(bin("eslint"), ["."]);
  const prettier = await run(bin("prettier"), ["--check", ".", "--log-level", "warn"]);
  const failed = (eslint !== 0 ? 1 : 0) + (prettier !== 0 ? 1 : 0);
  if (failed) exitCode = 1;
  totals.passed += 2 - failed;
  totals.failed += failed;
  console.log(
    `lint: ${2 - failed} passed, ${failed} failed (eslint ${eslint === 0 ? "clean" : "failed"}, prettier ${prettier === 0 ? "clean" : "failed"})`,
  );
}

async function vitest() {
  const file = path.join(out, "vitest.json");
  rmSync(file, { force: true });
  const code = await run(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile=${file}`]);
  if (code !== 0) exitCode = 1;
  if (existsSync(file)) {
    const r = JSON.parse(readFileSync(file, "utf8"));
    totals.passed += r.numPassedTests ?? 0;
    totals.failed += r.numFailedTests ?? 0;
    totals.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  } else {
    totals.failed += 1;
    console.log("vitest: no results (crashed)");
  }
}

async function e2e() {
  const dataDir = path.resolve(".data/e2e");
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const savedUrl = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL; // the e2e stack always gets its own fresh database
  const db = await prepareDatabase({ dataDir, fresh: true });
  if (savedUrl) process.env.DATABASE_URL = savedUrl;
  const port = Number(process.env.E2E_PORT ?? 3100);
  const baseUrl = `http://127.0.0.1:${port}`;
  const password = `e2e-${randomBytes(9).toString("base64url")}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: db.url,
    CONSENTRY_DATA_DIR: dataDir,
    CONSENTRY_ENCRYPTION_KEY: `e2e:${randomBytes(32).toString("base64")}`,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    NEXTAUTH_URL: baseUrl,
    CONSENTRY_PUBLIC_URL: baseUrl,
    // The journeys' webhook receiver listens on loopback.
    WEBHOOK_ALLOW_PRIVATE: "1",
  };
  Object.assign(process.env, env);
  resetEnvCache();
  try {
    const sandbox = await launchSandbox(dataDir, env, { identity: 5010, graph: 5011, imap: 5993, pop: 5995, smtp: 5587 });
    // Staff SSO through the sandbox: the MSP's own multi-tenant app in its own tenant.
    if (sandbox)
      Object.assign(env, sandbox.env, {
        NODE_EXTRA_CA_CERTS: sandbox.caPath,
        AUTH_ENTRA_CLOUD: "sandbox",
        AUTH_ENTRA_TENANT: SEED.msp.id,
        AUTH_ENTRA_CLIENT_ID: SEED.mspApp.clientId,
        AUTH_ENTRA_CLIENT_SECRET: SEED.mspApp.secret,
      });
    const { seedE2e } = await import("../e2e/support/seed-e2e");
    const seeded = await seedE2e(password);
    writeFileSync(
      path.join(dataDir, "fixture.json"),
      JSON.stringify(
        {
          baseUrl,
          password,
          databaseUrl: db.url,
          ...seeded,
          sandbox: sandbox ? { loginUrl: sandbox.env.SANDBOX_LOGIN_URL, caPath: sandbox.caPath } : null,
        },
        null,
        2,
      ),
    );
    if (isBuildStale()) {
      console.log("[e2e] building the web app…");
      if ((await run(bin("next"), ["build"], { ...env, NODE_ENV: "production" })) !== 0) throw new Error("next build failed");
    }
    const web = startChild(
      "web",
      bin("next"),
      ["start", "-p", String(port), "-H", "127.0.0.1"],
      { ...env, NODE_ENV: "production" },
      { quiet: !process.env.E2E_VERBOSE },
    );
    await waitForHttp(`${baseUrl}/login`, 120_000, () => web.proc.exitCode === null);
    // The hostile-input suite reads the web server's memory from /proc/<webPid>.
    const fixtureFile = path.join(dataDir, "fixture.json");
    writeFileSync(fixtureFile, JSON.stringify({ ...JSON.parse(readFileSync(fixtureFile, "utf8")), webPid: web.proc.pid }, null, 2));
    // A real worker syncs what the journeys connect, as in production.
    startChild("worker", bin("tsx"), ["--conditions=react-server", "workers/main.ts"], env, { quiet: !process.env.E2E_VERBOSE });
    const file = path.join(out, "playwright.json");
    rmSync(file, { force: true });
    const code = await run(
      bin("playwright"),
      ["test", "-c", "e2e/playwright.config.ts", ...args.filter((a) => !a.startsWith("--e2e") && !a.startsWith("--unit"))],
      {
        ...env,
        PLAYWRIGHT_JSON_OUTPUT_NAME: file,
        E2E_BASE_URL: baseUrl,
      },
    );
    if (code !== 0) exitCode = 1;
    if (existsSync(file)) {
      const s = JSON.parse(readFileSync(file, "utf8")).stats;
      totals.passed += s.expected + s.flaky;
      totals.failed += s.unexpected;
      totals.skipped += s.skipped;
      console.log(`playwright: ${s.expected + s.flaky} passed, ${s.unexpected} failed`);
    } else {
      totals.failed += 1;
      console.log("playwright: no results (crashed)");
    }
  } catch (err) {
    exitCode = 1;
    totals.failed += 1;
    console.error(`[e2e] harness failed: ${(err as Error).message}`);
  } finally {
    await stopChildren();
    await db.stop();
  }
}

if (!e2eOnly) await lint();
if (!e2eOnly) await vitest();
if (!unitOnly) await e2e();
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}`);
process.exit(exitCode || (totals.failed > 0 ? 1 : 0));
