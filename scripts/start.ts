// `npm start` (production): applies migrations, then runs the built web app. Start workers
// separately with `npm run worker` (one or more, on any machine that reaches the database).
import { spawn } from "node:child_process";
import path from "node:path";
import { prepareDatabase } from "./lib/prepare-database";
import { bin } from "./lib/processes";
import { resealOnStart } from "./lib/reseal-on-start";

if (!process.env.CONSENTRY_ENCRYPTION_KEY || !process.env.NEXTAUTH_SECRET) {
  console.error("Set CONSENTRY_ENCRYPTION_KEY and NEXTAUTH_SECRET (see README: Production).");
  process.exit(1);
}
const db = await prepareDatabase({ dataDir: path.resolve(process.env.CONSENTRY_DATA_DIR ?? ".data"), log: (l) => console.log(`[start] ${l}`) });
await resealOnStart({ databaseUrl: db.url, keySpec: process.env.CONSENTRY_ENCRYPTION_KEY, log: (l) => console.log(`[start] ${l}`) });
const web = spawn(bin("next"), ["start", "-p", process.env.PORT ?? "3000"], { stdio: "inherit", env: { ...process.env, DATABASE_URL: db.url, NODE_ENV: "production" } });
const stop = () => web.kill("SIGTERM");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
web.on("exit", async (code) => {
  await db.stop();
  process.exit(code ?? 0);
});
