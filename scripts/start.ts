// `npm start` (production): applies migrations, then runs the built web app. Start workers
// separately with `npm run worker` (one or more, on any machine that reaches the database).
import { spawn } from "node:child_process";
import path from "node:path";
import { prepareDatabase } from "./lib/prepare-database";
import { bin } from "./lib/processes";
import { embeddedDbPassword, productionRefusals } from "./lib/production-checks";
import { env } from "../lib/env";
import { resealOnStart } from "./lib/reseal-on-start";

if (!process.env.CONSENTRY_ENCRYPTION_KEY || !process.env.NEXTAUTH_SECRET) {
  console.error("Set CONSENTRY_ENCRYPTION_KEY and NEXTAUTH_SECRET (see README: Production).");
  process.exit(1);
}
let e: ReturnType<typeof env>;
try {
  e = env();
} catch (err) {
  console.error(`[start] ${(err as Error).message}`);
  process.exit(1);
}
const refusals = productionRefusals(e, { NEXTAUTH_URL: process.env.NEXTAUTH_URL });
if (refusals.length) {
  for (const r of refusals) console.error(`[start] refused: ${r}`);
  process.exit(1);
}
const dataDir = path.resolve(e.CONSENTRY_DATA_DIR);
const db = await prepareDatabase({
  dataDir,
  password: e.DATABASE_URL ? undefined : embeddedDbPassword(dataDir),
  log: (l) => console.log(`[start] ${l}`),
});
if (e.CONSENTRY_ENCRYPTION_KEY)
  await resealOnStart({ databaseUrl: db.url, keySpec: e.CONSENTRY_ENCRYPTION_KEY, log: (l) => console.log(`[start] ${l}`) });
const web = spawn(bin("next"), ["start", "-p", process.env.PORT ?? "3000"], {
  stdio: "inherit",
  env: { ...process.env, DATABASE_URL: db.url, NODE_ENV: "production" },
});
const stop = () => web.kill("SIGTERM");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
web.on("exit", async (code) => {
  await db.stop();
  process.exit(code ?? 0);
});
