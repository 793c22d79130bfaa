import "server-only";
// The refresh lease: single flight across processes without a database connection held across
// the call to Microsoft. Shared by grants (get-access-token.ts) and app-only tokens
// (app-only-token.ts).
// - A caller reads the token's row; a usable token is served.
// - Otherwise one caller wins the lease (a conditional UPDATE that only one can win, also
//   conditional on the row being as it was read, so a token stored in between is not minted
//   twice), calls Microsoft holding no connection, stores the result and frees the lease.
// - The others poll the row with a growing pause until the token is there or the lease has run
//   out: a crashed holder's lease lasts LEASE_MS, then the next caller takes it over.
// - At most REFRESH_CONCURRENCY leases are led at once per process, and a lease is only taken
//   once a slot is free (its time is spent on the call, never in a queue): a storm of thousands
//   never opens thousands of sockets to the token endpoint.
import { randomUUID } from "node:crypto";
import { TokenError } from "./get-access-token";

/** Longer than the token call's own timeout (15 s) plus the reads and the write around it. */
export const LEASE_MS = 20_000;
export const REFRESH_CONCURRENCY = 64;
const FIRST_WAIT_MS = 60;
const MAX_WAIT_MS = 1_000;

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

export async function leasedRefresh<TRow, T>(o: {
  /** The row as it is now. */
  read: () => Promise<TRow>;
  /** The token to serve from this row, or null when it must be refreshed. */
  served: (row: TRow) => T | null;
  /** Another caller holds a live lease on this row. */
  leased: (row: TRow) => boolean;
  /** One conditional UPDATE taking the lease if it is free and the row is still as read. */
  claim: (row: TRow, lease: TLease) => Promise<boolean>;
  /** With the lease held: call Microsoft, store the result and free the lease (also on failure). */
  lead: (row: TRow, lease: TLease) => Promise<T>;
  /** Said in the transient error when no token came within two leases. */
  what: string;
}): Promise<T> {
  const deadline = Date.now() + 2 * LEASE_MS;
  let wait = FIRST_WAIT_MS;
  for (;;) {
    const row = await o.read();
    const hit = o.served(row);
    if (hit !== null) return hit;
    if (!o.leased(row)) {
      const led = await slot(async () => {
        const lease = { owner: randomUUID(), until: new Date(Date.now() + LEASE_MS) };
        return (await o.claim(row, lease)) ? { value: await o.lead(row, lease) } : null;
      });
      if (led) return led.value;
    }
    if (Date.now() > deadline) throw new TokenError("transient", "microsoft_unavailable", `Timed out waiting for ${o.what}.`);
    await new Promise((r) => setTimeout(r, wait * (0.8 + Math.random() * 0.4)));
    wait = Math.min(MAX_WAIT_MS, wait * 1.5);
  }
}
