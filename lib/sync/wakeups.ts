import "server-only";
// Push wake-ups between processes: when new mail is pushed (an IMAP IDLE EXISTS, a Graph change
// notification), the mailbox is made due AND every worker listening hears of it at once through
// PostgreSQL's LISTEN/NOTIFY, so the sync starts from the push instead of at the next poll.
// Notifications are delivered when the statement's transaction commits, so a listener that hears
// an id can claim that mailbox straight away. A missed notification (a listener reconnecting)
// costs only latency: the mailbox is due in the database and the poll still finds it.
import pg from "pg";
import { db, Prisma } from "../db/client";
import { env } from "../env";

export const DUE_CHANNEL = "consentry_mailbox_due";

/** Makes the mailboxes due now (never later than they already were; never one backing off after
 *  failures, so a push can't cut Microsoft's Retry-After short) and announces each id on
 *  DUE_CHANNEL, in one statement (one transaction: the wake-up is sent only with the update). */
export async function announceDue(mailboxIds: string[]): Promise<void> {
  const ids = [...new Set(mailboxIds)].filter(Boolean);
  if (!ids.length) return;
  const now = new Date();
  await db().$queryRaw`
    WITH due AS (
      UPDATE "Mailbox" SET "nextSyncAt" = ${now}
      WHERE "id" IN (${Prisma.join(ids)}) AND ("nextSyncAt" IS NULL OR "nextSyncAt" > ${now})
        -- A mailbox backing off after failures (Microsoft's Retry-After among them) keeps its wait.
        AND COALESCE(("syncState"->>'failures')::int, 0) = 0
      RETURNING "id")
    SELECT (SELECT count(*) FROM due)::int AS "made", count(pg_notify(${DUE_CHANNEL}, m."id"))::int AS "sent"
    FROM "Mailbox" m WHERE m."id" IN (${Prisma.join(ids)})`;
}

export type TListenOpts = {
  /** Called after the listener reconnected (announcements in the gap were missed: look for due work). */
  onReconnect?: () => void;
  /** Called when the connection drops (before reconnecting). */
  onDrop?: (err: Error | null) => void;
  /** First reconnect delay; doubled up to 10 s while it keeps failing. */
  retryMs?: number;
  /** A connection string other than DATABASE_URL (tests). */
  url?: string;
};

/** Listens on DUE_CHANNEL with one dedicated connection (not one of the pool's: LISTEN is tied to a
 *  session), re-established when it drops. Resolves once listening; the result stops it. */
export async function listenDue(onDue: (mailboxId: string) => void, opts: TListenOpts = {}): Promise<() => Promise<void>> {
  const url = opts.url ?? env().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set");
  const firstRetry = opts.retryMs ?? 250;
  let stopped = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;
  let delay = firstRetry;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, keepAlive: true });
    let dropped = false;
    const drop = (err: Error | null) => {
      if (dropped) return;
      dropped = true;
      c.removeAllListeners("notification");
      void c.end().catch(() => undefined);
      if (client === c) client = null;
      if (stopped) return;
      opts.onDrop?.(err);
      schedule();
    };
    c.on("notification", (n) => {
      if (n.channel === DUE_CHANNEL && n.payload) onDue(n.payload);
    });
    c.on("error", (err) => drop(err));
    c.on("end", () => drop(null));
    try {
      await c.connect();
      await c.query(`LISTEN ${DUE_CHANNEL}`);
    } catch (err) {
      drop(err as Error);
      throw err;
    }
    if (stopped) {
      dropped = true;
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    delay = firstRetry;
  };

  const schedule = () => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = null;
      connect()
        .then(() => {
          if (client) opts.onReconnect?.();
        })
        .catch(() => {
          delay = Math.min(delay * 2, 10_000);
        });
    }, delay);
    retry.unref?.();
  };

  try {
    await connect();
  } catch (err) {
    stopped = true; // the caller hears of the failure; no retries behind its back
    if (retry) clearTimeout(retry);
    throw err;
  }
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    retry = null;
    const c = client;
    client = null;
    if (c) {
      c.removeAllListeners();
      c.on("error", () => undefined);
      await c.end().catch(() => undefined);
    }
  };
}
