import "server-only";
// Push for IMAP mailboxes: a worker keeps an IMAP IDLE connection on each working mailbox's folder; an
// EXISTS (new mail) makes the mailbox due at once; the one-minute poll stays as the safety net.
// Watching is shared between workers like syncing: a short watch lease per mailbox, claimed with
// SKIP LOCKED and renewed while the connection lives, so a dead worker's watches move on in
// seconds. A dropped connection is re-opened with a fresh token after a pause.
// Exchange ends a session when the token it was opened with expires, and an IDLE session learns
// that only at its next command (its pushes can't be counted on meanwhile). So a watch opens its
// next session with a fresh token before the current token expires, and only then closes the old
// one (no gap); a session that still ends with `* BYE Session invalidated - AccessTokenExpired` is
// re-opened at once with a fresh token. Mail that arrived between two sessions (UIDNEXT moved)
// makes the mailbox due, so nothing waits for the next poll.
// New mail is announced to every worker (lib/sync/wakeups.ts: due now + NOTIFY) and, once that
// UPDATE is in, handed straight to this process's `onNewMail` (its scheduler claims the mailbox,
// now due, without waiting for the NOTIFY).
// One worker holds up to WORKER_IDLE_SLOTS (1,000) sessions: opening them is bounded (at most
// MAX_CONNECTING TLS logins in flight, the rest queued), and session renewals are spread so that
// tokens minted together don't make every session reconnect in the same second.
import type { ImapFlow } from "imapflow";
import { db, Prisma } from "../db/client";
import { mailboxToken } from "../grants/mailbox-token";
import { closeImap, imapClient, imapTokenExpired } from "../mail/imap";
import { announceDue } from "./wakeups";

export const WATCH_LEASE_MS = 30_000;
const RETRY_MS = 30_000;
/** How long before its token expires a session is replaced: 2 minutes, or a quarter of a short
 *  token's remaining life. */
const RENEW_LEAD_MS = 2 * 60_000;
/** Sessions being opened (TLS handshake, XOAUTH2, SELECT) at once; the rest wait their turn. */
export const MAX_CONNECTING = 20;

type TWatch = {
  client: ImapFlow | null;
  ctx: { workspaceId: string; tenantId: string; mailboxId: string };
  retryAt: number;
  failures: number;
  /** Replaces the session before its token expires. */
  renewTimer: NodeJS.Timeout | null;
  /** UIDNEXT of the folder when the current session opened it. */
  uidNext?: number;
  /** Queued for, or in, an open (at most one at a time per watch). */
  opening: boolean;
};

export type TIdleWatcherOpts = {
  /** New mail in a watched mailbox, called in this process at once (before the database hears). */
  onNewMail?: (mailboxId: string) => void;
  /** Sessions opened at once (default MAX_CONNECTING). */
  maxConnecting?: number;
};

export class IdleWatcher {
  private watches = new Map<string, TWatch>();
  private stopped = false;

  constructor(
    private readonly workerId: string,
    private readonly slots: number,
    private readonly log: (l: string) => void = () => undefined,
    /** Narrows what this watcher may claim (tests sharing a database). */
    private readonly only?: string[],
    private readonly opts: TIdleWatcherOpts = {},
  ) {}

  private queue: { id: string; w: TWatch; forceRefresh?: boolean }[] = [];
  private connecting = 0;

  /** Sessions being opened now, and waiting to be (for tests and the bench). */
  get opening(): { inFlight: number; queued: number } {
    return { inFlight: this.connecting, queued: this.queue.length };
  }

  /** New mail (or mail missed between sessions): due now for every worker, then this process's sync. */
  private newMail(id: string) {
    void announceDue([id])
      .catch(() => undefined)
      .then(() => this.opts.onNewMail?.(id))
      .catch(() => undefined); // the callback's failure is its own
  }

  /** Queues an open of the watch's session; at most maxConnecting run at once. */
  private request(id: string, w: TWatch, forceRefresh?: boolean) {
    if (w.opening || this.stopped) return;
    w.opening = true;
    this.queue.push({ id, w, forceRefresh });
    this.pump();
  }

  private pump() {
    const max = this.opts.maxConnecting ?? MAX_CONNECTING;
    while (this.connecting < max && this.queue.length && !this.stopped) {
      const { id, w, forceRefresh } = this.queue.shift()!;
      if (this.watches.get(id) !== w) {
        w.opening = false;
        continue;
      }
      this.connecting++;
      void this.open(id, w, { forceRefresh })
        .catch(() => undefined)
        .finally(() => {
          w.opening = false;
          this.connecting--;
          this.pump();
        });
    }
  }

  get watching(): string[] {
    return [...this.watches.keys()];
  }

  /** True once the mailbox's connection sits in IDLE (new mail is pushed from then on). */
  isIdling(mailboxId: string): boolean {
    return !!this.watches.get(mailboxId)?.client?.idling;
  }

  /** One round: renew our leases, drop what we lost, claim free mailboxes, (re)open connections. */
  async tick(now = new Date()): Promise<number> {
    if (this.stopped) return 0;
    const until = new Date(now.getTime() + WATCH_LEASE_MS);
    const mine = this.watching;
    if (mine.length) {
      const kept = await db().$queryRaw<{ id: string }[]>`
        UPDATE "Mailbox" SET "watchExpiresAt" = ${until}
        WHERE "id" IN (${Prisma.join(mine)}) AND "watchOwner" = ${this.workerId}
          AND "state" IN ('connected', 'degraded') AND "inbound" = 'imap'
        RETURNING "id"`;
      const keep = new Set(kept.map((k) => k.id));
      for (const id of mine) if (!keep.has(id)) await this.drop(id, false);
    }
    const free = this.slots - this.watches.size;
    let claimed: { id: string; workspaceId: string; tenantId: string }[] = [];
    if (free > 0) {
      claimed = await db().$queryRaw`
        UPDATE "Mailbox" SET "watchOwner" = ${this.workerId}, "watchExpiresAt" = ${until}
        WHERE "id" IN (
          SELECT m."id" FROM "Mailbox" m JOIN "Grant" g ON g."mailboxId" = m."id"
          WHERE m."state" IN ('connected', 'degraded') AND m."inbound" = 'imap'
            AND (m."watchExpiresAt" IS NULL OR m."watchExpiresAt" < ${now})
            ${this.only ? Prisma.sql`AND m."id" IN (${Prisma.join(this.only.length ? this.only : [""])})` : Prisma.empty}
          ORDER BY m."watchExpiresAt" ASC NULLS FIRST
          LIMIT ${free}
          FOR UPDATE OF m SKIP LOCKED)
        RETURNING "id", "workspaceId", "tenantId"`;
      for (const c of claimed)
        this.watches.set(c.id, {
          client: null,
          ctx: { workspaceId: c.workspaceId, tenantId: c.tenantId, mailboxId: c.id },
          retryAt: 0,
          failures: 0,
          renewTimer: null,
          opening: false,
        });
    }
    for (const [id, w] of this.watches) if (!w.client && !w.opening && w.retryAt <= now.getTime()) this.request(id, w);
    return claimed.length;
  }

  /** Opens the watch's session; with one already open (a renewal), the new one replaces it once it
   *  is ready. `forceRefresh`: the last token was refused as expired, so don't reuse a cached one. */
  private async open(id: string, w: TWatch, opts: { forceRefresh?: boolean } = {}) {
    // Back off while it keeps failing. Degraded mailboxes are still watched: the cause may be on the
    // sending side (SMTP AUTH off) while new mail still comes in.
    w.retryAt = Date.now() + Math.min(RETRY_MS * 2 ** w.failures, 10 * 60_000);
    const mb = await db().mailbox.findUnique({
      where: { id },
      select: { address: true, folder: true, tenant: { select: { cloud: true } } },
    });
    if (!mb || this.stopped || this.watches.get(id) !== w) return;
    try {
      const { hosts, accessToken, expiresAt } = await mailboxToken({ ...w.ctx, cloud: mb.tenant.cloud }, "imap", opts);
      // IDLE re-issued well before Exchange ends it (30 minutes): lib/mail/imap.ts's "watch" options.
      const client = imapClient({ hosts, user: mb.address, accessToken }, "watch");
      client.on("exists", (e: { count: number; prevCount: number }) => {
        if (e.count > e.prevCount) this.newMail(id);
      });
      client.on("close", () => {
        if (w.client !== client) return; // a replaced session
        w.client = null; // otherwise re-opened by a later tick, after RETRY_MS
        this.clearRenew(w);
        if (imapTokenExpired(client) && !this.stopped && this.watches.get(id) === w) this.request(id, w, true);
      });
      await client.connect();
      const box = await client.mailboxOpen(mb.folder, { readOnly: true });
      if (this.stopped || this.watches.get(id) !== w) return void closeImap(client);
      const previous = w.client;
      const seen = w.uidNext;
      w.client = client; // imapflow IDLEs by itself while no command runs
      w.failures = 0;
      w.uidNext = Number(box.uidNext);
      // Mail delivered while no session was listening (between the old one and this one).
      if (seen !== undefined && w.uidNext > seen) this.newMail(id);
      this.scheduleRenew(id, w, Math.max(0, expiresAt.getTime() - Date.now()));
      if (previous) void closeImap(previous);
    } catch (err) {
      // Diagnosing is the sync's and the connection test's job; the watch just waits and retries.
      if (w.failures++ === 0) this.log(`watch ${id}: ${(err as Error).message} (retrying with backoff)`);
      // A failed renewal leaves the old session running; try again before its token runs out.
      if (w.client) this.scheduleRenew(id, w, 0, Math.min(RETRY_MS, 5_000 * w.failures));
    }
  }

  /** Replaces the session `lead` before a token with `remainingMs` left expires (or after `delayMs`).
   *  The lead is spread at random over its second half, so sessions opened together (a worker's
   *  start) renew over a minute or so rather than all in one second. */
  private scheduleRenew(id: string, w: TWatch, remainingMs: number, delayMs?: number) {
    this.clearRenew(w);
    const lead = Math.min(RENEW_LEAD_MS, remainingMs / 4) * (0.5 + Math.random() / 2);
    const delay = delayMs ?? Math.max(1_000, remainingMs - lead);
    w.renewTimer = setTimeout(() => {
      w.renewTimer = null;
      if (!this.stopped && this.watches.get(id) === w && w.client) this.request(id, w);
    }, delay);
    w.renewTimer.unref?.();
  }

  private clearRenew(w: TWatch) {
    if (w.renewTimer) clearTimeout(w.renewTimer);
    w.renewTimer = null;
  }

  /** The open session of a watched mailbox (tests tell a renewed session from the first). */
  sessionOf(mailboxId: string): ImapFlow | null {
    return this.watches.get(mailboxId)?.client ?? null;
  }

  private async drop(id: string, release: boolean) {
    const w = this.watches.get(id);
    this.watches.delete(id);
    if (w) this.clearRenew(w);
    if (w?.client) await w.client.logout().catch(() => w.client?.close());
    if (release)
      await db().mailbox.updateMany({ where: { id, watchOwner: this.workerId }, data: { watchOwner: null, watchExpiresAt: null } });
  }

  /** Closes every connection and gives the watches back at once. */
  async stop() {
    this.stopped = true;
    this.queue = [];
    // All at once (a worker may hold a thousand): log out in parallel, release in one UPDATE.
    const all = [...this.watches.entries()];
    this.watches.clear();
    for (const [, w] of all) this.clearRenew(w);
    await Promise.all(all.map(([, w]) => w.client?.logout().catch(() => w.client?.close())));
    if (all.length)
      await db().mailbox.updateMany({
        where: { id: { in: all.map(([id]) => id) }, watchOwner: this.workerId },
        data: { watchOwner: null, watchExpiresAt: null },
      });
  }
}
