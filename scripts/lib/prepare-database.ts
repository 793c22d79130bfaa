// Resolves the database: DATABASE_URL when set, else the embedded PostgreSQL under .data/pg.
// Then applies migrations. Used by demo, start, migrate and the e2e harness.
import path from "node:path";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import { migrate } from "../../lib/db/migrate";

export type TPreparedDb = { url: string; isEmbedded: boolean; stop(): Promise<void> };

export async function prepareDatabase(opts: { dataDir: string; port?: number; fresh?: boolean; password?: string; log?: (l: string) => void }): Promise<TPreparedDb> {
  const external = process.env.DATABASE_URL;
  let prepared: TPreparedDb;
  if (external) {
    prepared = { url: external, isEmbedded: false, stop: async () => undefined };
  } else {
    const pg = await startEmbeddedPostgres({ dataDir: path.join(opts.dataDir, "pg"), port: opts.port, fresh: opts.fresh, password: opts.password });
    prepared = { url: pg.url, isEmbedded: true, stop: pg.stop };
  }
  const res = await migrate(prepared.url, { log: opts.log });
  if (res.applied.length) opts.log?.(`migrations applied: ${res.applied.join(", ")}`);
  return prepared;
}
