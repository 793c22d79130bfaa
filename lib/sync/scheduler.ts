import "server-only";
// The worker's sync pool: keeps up to `concurrency` mailboxes syncing at once and claims the next
// due one as soon as a slot frees (no "claim N, wait for all N" rounds: one slow mailbox never
// holds up the others). Sync is I/O-bound (round trips to Microsoft), so a worker runs dozens at a
// time; new syncs are started a few milliseconds apart, so a burst never opens dozens of TLS
// sign-ins in the same millisecond. When nothing is due it sleeps until the earliest nextSyncAt
// (at most `maxSleepMs`), and `wake(mailboxId)` (a push: IMAP IDLE, a Graph notification) ends
// the sleep at once and, with a slot free, claims that mailbox directly. Each beat it also frees
// the leases of dead workers (releaseDeadWorkerLeases) so their mailboxes move here in seconds.
import { db, Prisma } from "../db/client";
import { SYNCABLE_STATES_SQL } from "../core/scope";
import { claimDueMailboxes, releaseDeadWorkerLeases, type TClaimed } from "./claim";
import { LEASE_MS, syncClaimed, type TSyncLog } from "./sync-loop";

export type TSchedulerOpts = {
  concurrency: number;
  log?: TSyncLog;
  /** Narrows what this scheduler may claim (tests and benches sharing a database). */
  only?: string[];
  /** Longest sleep when nothing is due (a safety net: wakes and due times end it sooner). */
  maxSleepMs?: number;
  /** Most mailboxes claimed by one query. */
  claimBatch?: number;
  /** Gap between two sync starts. */
  staggerMs?: number;
  /** Dead workers' leases are released this often (0: never; the worker passes its heartbeat). */
  reapEveryMs?: number;
  deadAfterMs?: number;
};

export class SyncScheduler {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly wanted = new Set<string>();
  private stopped = false;
  private running: Promise<void> | null = null;
  private poke: (() => void) | null = null;
  private poked = false;
  private lastStart = 0;
  private lastReap = 0;
  /** Mailboxes synced since start (a figure for benches and logs). */
  synced = 0;

  constructor(
    private readonly workerId: string,
    private readonly opts: TSchedulerOpts,
  ) {}

  get busy(): number {
    return this.inFlight.size;
  }

  /** Starts the loop (once); `stop` ends it. */
  start(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  /** Ends any sleep at once; with an id, that mailbox is claimed first (if due and free). */
  wake(mailboxId?: string) {
    if (mailboxId && !this.inFlight.has(mailboxId)) this.wanted.add(mailboxId);
    this.poked = true;
    this.poke?.();
  }

  /** Stops claiming and waits for running syncs to release their leases (bounded by the caller). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.running;
    await Promise.all(this.inFlight.values());
  }

  private free() {
    return this.opts.concurrency - this.inFlight.size;
  }

  private async loop() {
    const maxSleep = this.opts.maxSleepMs ?? 3_000;
    while (!this.stopped) {
      this.poked = false;
      let claimedAll = false;
      try {
        await this.reap();
        if (this.wanted.size && this.free() > 0) {
          const ids = [...this.wanted].filter((id) => !this.inFlight.has(id)).slice(0, this.free());
          for (const id of ids) this.wanted.delete(id);
          const allowed = this.opts.only ? ids.filter((id) => this.opts.only!.includes(id)) : ids;
          // A push: started at once, not queued behind a burst's stagger.
          if (allowed.length)
            this.launch(await claimDueMailboxes(this.workerId, { limit: allowed.length, leaseMs: LEASE_MS, only: allowed }), 0);
        }
        // A few at a time (then straight back for more), so workers started together share the work.
        const want = Math.min(this.free(), this.opts.claimBatch ?? 8);
        if (want > 0) {
          const claimed = await claimDueMailboxes(this.workerId, { limit: want, leaseMs: LEASE_MS, only: this.opts.only });
          this.launch(claimed, this.opts.staggerMs ?? 5);
          if (claimed.length === want && this.free() > 0) continue;
          claimedAll = claimed.length === want;
        }
      } catch (err) {
        this.opts.log?.(`sync scheduling failed: ${(err as Error).message}`, { err });
      }
      if (this.stopped) break;
      if (this.poked) continue;
      if (this.free() <= 0 || claimedAll) {
        // Full: the next slot to free (or a wake) starts the next claim.
        await this.sleep(maxSleep);
      } else {
        // Nothing more due now: until the earliest due time, a wake, or the bound.
        let ms = maxSleep;
        try {
          ms = Math.min(maxSleep, await this.msUntilNextDue());
        } catch {
          /* the bound */
        }
        if (ms > 0) await this.sleep(ms);
      }
    }
  }

  private launch(claimed: TClaimed[], stagger: number) {
    for (const c of claimed) {
      const now = Date.now();
      const at = stagger ? Math.max(now, this.lastStart + stagger) : now;
      if (stagger) this.lastStart = at;
      const run = (async () => {
        if (at > now) await new Promise((r) => setTimeout(r, at - now));
        await syncClaimed(this.workerId, c, this.opts.log);
      })().finally(() => {
        this.inFlight.delete(c.id);
        this.synced += 1;
        // A freed slot: claim the next due mailbox at once.
        this.poked = true;
        this.poke?.();
      });
      this.inFlight.set(c.id, run);
    }
  }

  /** Sleeps up to `ms`; a wake or a freed slot ends it. */
  private sleep(ms: number): Promise<void> {
    if (this.poked) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.poke = null;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.poke = done;
    });
  }

  /** Milliseconds until the earliest syncable mailbox without a live lease is due (0: now). */
  private async msUntilNextDue(): Promise<number> {
    const only = this.opts.only;
    if (only && !only.length) return Number.POSITIVE_INFINITY;
    const rows = await db().$queryRaw<{ at: Date | null }[]>`
      SELECT MIN(GREATEST("nextSyncAt", COALESCE("leaseExpiresAt", "nextSyncAt"))) AS at FROM "Mailbox"
      WHERE "state" IN (${SYNCABLE_STATES_SQL}) AND "inbound" IN ('imap', 'pop', 'graph')
        ${only ? Prisma.sql`AND "id" IN (${Prisma.join(only)})` : Prisma.empty}`;
    const at = rows[0]?.at;
    return at ? Math.max(0, at.getTime() - Date.now()) : Number.POSITIVE_INFINITY;
  }

  private async reap() {
    const every = this.opts.reapEveryMs ?? 0;
    if (!every || Date.now() - this.lastReap < every) return;
    this.lastReap = Date.now();
    const n = await releaseDeadWorkerLeases(this.opts.deadAfterMs ?? 3 * every + 1000);
    if (n) this.opts.log?.(`released ${n} mailbox leases of dead workers`, { released: n });
  }
}
