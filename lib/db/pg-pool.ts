import "server-only";
// A plain `pg` pool beside the Prisma client, for the few hot statements where the ORM's argument
// handling is the cost (the sync's batch insert: raw MIME goes as a binary bytea parameter, with no
// base64 round trip through the query engine). Same database, same URL; a handful of connections.
import pg from "pg";
import { env } from "../env";

const g = globalThis as unknown as { __consentryPgPool?: pg.Pool; __consentryPgPoolUrl?: string };

export function pgPool(): pg.Pool {
  const url = env().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start through `npm run demo` / `npm start`, which provide it.");
  if (!g.__consentryPgPool || g.__consentryPgPoolUrl !== url) {
    g.__consentryPgPool?.end().catch(() => undefined);
    const pool = new pg.Pool({ connectionString: url, max: 4, idleTimeoutMillis: 10_000, allowExitOnIdle: true });
    // An idle connection dropped by the server (a restart) is replaced on next use, not a crash.
    pool.on("error", () => undefined);
    g.__consentryPgPool = pool;
    g.__consentryPgPoolUrl = url;
  }
  return g.__consentryPgPool;
}
