import "server-only";
// The refresh lease: single flight across processes without a database connection held across
// the call to Microsoft. Shared by grants (get-access-token.ts) and app-only tokens
// (app-only-token.ts).
// - A caller reads the token's row; a usable token is served.
// - Otherwise one caller wins the lease (a conditional UPDATE that only one can win, also
//   conditional on the row being as it was read, so a token stored in between is not minted
//   twice), calls Microsoft holding no connection, stores the result and frees the lease.
// - The others wait until the lease is free again (one query per process every WATCH_MS for every
//   row waited on) and look again: a crashed holder's lease lasts LEASE_MS, then the next caller
//   takes it over.
// - At most REFRESH_CONCURRENCY leases are led at once per process, and a lease is only taken
//   once a slot is free (its time is spent on the call, never in a queue): a storm of thousands
//   never opens thousands of sockets to the token endpoint.
import { randomUUID } from "node:crypto";
import { TokenError } from "./get-access-token";

/** Longer than the token call's own timeout (15 s) plus the reads and the write around it. */
export const LEASE_MS = 30_000;
export const REFRESH_CONCURRENCY = 64;
const WATCH_MS = 150;

let running = 0;
const queue: (() => void)[] = [];

async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= REFRESH_CONCURRENCY) await new Promise<void>((r) => queue.push(r));
  else running += 1;
  try {
    return await fn();
  } finally {
    const next = queue.shift();
    if (next) next();
    else running -= 1;
  }
}

export type TLease = { owner: string; until: Date };

/** Callers waiting on other processes' leases, woken by one query per process every WATCH_MS for
 *  all the rows they wait on (not one poll each: a storm has thousands of waiters). `readFree`
 *  returns those of the rows whose lease is free or has run out, as of `now`. */
export function leaseWatcher<TRow>(readFree: (ids: string[], now: Date) => Promise<TRow[]>, idOf: (row: TRow) => string) {
  const waiting = new Map<string, ((row: TRow) => void)[]>();
  let timer: NodeJS.Timeout | null = null;
  const schedule = () => {
    timer ??= setTimeout(() => void tick(), WATCH_MS);
  };
  async function tick() {
    const ids = [...waiting.keys()];
    try {
      for (let i = 0; i < ids.length; i += 1000) {
        for (const row of await readFree(ids.slice(i, i + 1000), new Date())) {
          const woken = waiting.get(idOf(row));
          waiting.delete(idOf(row));
          for (const wake of woken ?? []) wake(row);
        }
      }
    } catch {
      /* a passing database error: the next tick asks again */
    }
    timer = null;
    if (waiting.size) schedule();
  }
  return {
    /** The row once its lease is free (or has run out); null if that takes longer than `ms`. */
    next(id: string, ms: number): Promise<TRow | null> {
      return new Promise((resolve) => {
        const t = setTimeout(() => {
          const list = waiting.get(id)?.filter((w) => w !== wake) ?? [];
          if (list.length) waiting.set(id, list);
          else waiting.delete(id);
          resolve(null);
        }, ms);
        const wake = (row: TRow) => {
          clearTimeout(t);
          resolve(row);
        };
        waiting.set(id, [...(waiting.get(id) ?? []), wake]);
        schedule();
      });
    },
  };
}
export type TLeaseWatcher<TRow> = ReturnType<typeof leaseWatcher<TRow>>;

export async function leasedRefresh<TRow, T>(o: {
  /** The row as the caller read it. */
  first: TRow;
  id: (row: TRow) => string;
  /** Wakes this caller when another caller's lease on the row is over. */
  watcher: TLeaseWatcher<TRow>;
  /** The token to serve from this row, or null when it must be refreshed. */
  served: (row: TRow) => T | null;
  /** Another caller holds a live lease on this row. */
  leased: (row: TRow) => boolean;
  /** One conditional UPDATE taking the lease if it is free and the row is still as read. */
  claim: (row: TRow, lease: TLease) => Promise<boolean>;
  /** With the lease held: call Microsoft, store the result and free the lease (also on failure). */
  lead: (row: TRow, lease: TLease) => Promise<T>;
  /** Said in the transient error when another caller's lease neither ended nor ran out in time. */
  what: string;
}): Promise<T> {
  let row = o.first;
  for (;;) {
    const hit = o.served(row);
    if (hit !== null) return hit;
    if (!o.leased(row)) {
      const current = row;
      const led = await slot(async () => {
        const lease = { owner: randomUUID(), until: new Date(Date.now() + LEASE_MS) };
        return (await o.claim(current, lease)) ? { value: await o.lead(current, lease) } : null;
      });
      if (led) return led.value;
    }
    // Someone else holds the lease (or took it, or stored a token, since the row was read): wait
    // until it is free again, then look at the row as it is then. A holder answers or its lease
    // runs out within LEASE_MS; two leases' time without either is an outage.
    const next = await o.watcher.next(o.id(row), 2 * LEASE_MS);
    if (!next) throw new TokenError("transient", "microsoft_unavailable", `Timed out waiting for ${o.what}.`);
    row = next;
  }
}
