// Vitest global setup: one fresh embedded PostgreSQL per run, migrated, shared by the worker
// processes through DATABASE_URL (they inherit this process's environment). Each run gets its
// own data directory, so parallel runs on one machine never touch each other's database.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Remove data dirs of earlier runs whose postgres is gone. */
function sweep(root: string) {
  if (!existsSync(root)) return;
  for (const d of readdirSync(root)) {
    const dir = path.join(root, d);
    const pidFile = path.join(dir, "postmaster.pid");
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").split("\n")[0]) : 0;
    if (!pid || !isAlive(pid)) rmSync(dir, { recursive: true, force: true });
  }
}

export default async function setup() {
  let stop: (() => Promise<void>) | undefined;
  let dataDir: string | undefined;
  if (!process.env.TEST_DATABASE_URL) {
    const root = path.resolve(".data/test-pg");
    sweep(root);
    dataDir = path.join(root, `run-${process.pid}-${randomBytes(3).toString("hex")}`);
    const db = await startEmbeddedPostgres({ dataDir, fresh: true });
    process.env.DATABASE_URL = db.url;
    stop = db.stop;
  } else {
    process.env.DATABASE_URL = process.env.TEST_DATABASE_URL;
  }
  await migrate(process.env.DATABASE_URL);
  process.env.CONSENTRY_ENCRYPTION_KEY ??= `test:${randomBytes(32).toString("base64")}`;
  process.env.NEXTAUTH_SECRET ??= randomBytes(24).toString("base64url");
  return async () => {
    await stop?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
}
