// Resolves the database: DATABASE_URL when set, else the embedded PostgreSQL under .data/pg.
// Then applies migrations. Used by demo, start, migrate and the e2e harness.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import { migrate } from "../../lib/db/migrate";

export type TPreparedDb = { url: string; isEmbedded: boolean; stop(): Promise<void> };

export async function prepareDatabase(opts: {
  dataDir: string;
  port?: number;
  fresh?: boolean;
  password?: string;
  log?: (l: string) => void;
}): Promise<TPreparedDb> {
  const external = process.env.DATABASE_URL;
  let prepared: TPreparedDb;
  if (external) {
    prepared = { url: external, isEmbedded: false, stop: async () => undefined };
  } else {
    const pg = await startEmbeddedPostgres({
      dataDir: path.join(opts.dataDir, "pg"),
      port: opts.port,
      fresh: opts.fresh,
      password: opts.password ?? savedPassword(opts.dataDir),
    });
    prepared = { url: pg.url, isEmbedded: true, stop: pg.stop };
  }
  const res = await migrate(prepared.url, { log: opts.log });
  if (res.applied.length) opts.log?.(`migrations applied: ${res.applied.join(", ")}`);
  return prepared;
}

/** The password `npm start` generated for this data dir, so migrate, keys:rotate and demo reach the same database. */
function savedPassword(dataDir: string): string | undefined {
  const file = path.join(dataDir, "pg-password");
  return existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
}
