// Vitest global setup: one fresh embedded PostgreSQL for the whole run, migrated, shared by the
// worker processes through DATABASE_URL (they inherit this process's environment).
import { randomBytes } from "node:crypto";
import path from "node:path";
import { startEmbeddedPostgres } from "../db/embedded";
import { migrate } from "../db/migrate";

export default async function setup() {
  let stop: (() => Promise<void>) | undefined;
  if (!process.env.TEST_DATABASE_URL) {
    const db = await startEmbeddedPostgres({ dataDir: path.resolve(".data/test-pg"), fresh: true });
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
  };
}
