import "server-only";
// Push for IMAP mailboxes: a worker keeps an IMAP IDLE connection on each working mailbox's folder; an
// EXISTS (new mail) makes the mailbox due at once; the one-minute poll stays as the safety net.
// Watching is shared between workers like syncing: a short watch lease per mailbox, claimed with
// SKIP LOCKED and renewed while the connection lives, so a dead worker's watches move on in
// seconds. A dropped connection is re-opened with a fresh token after a pause.
import type { ImapFlow } from "imapflow";
import { db, Prisma } from "../db/client";
import { mailboxToken } from "../grants/mailbox-token";
import { closeImap, imapClient } from "../mail/imap";

export const WATCH_LEASE_MS = 30_000;
const RETRY_MS = 30_000;

type TWatch = {
  client: ImapFlow | null;
  ctx: { workspaceId: string; tenantId: string; mailboxId: string };
  retryAt: number;
  failures: number;
};

async function markDue(mailboxId: string) {
  const now = new Date();
  await db().mailbox.updateMany({
    where: { id: mailboxId, OR: [{ nextSyncAt: null }, { nextSyncAt: { gt: now } }] },
    data: { nextSyncAt: now },
  });
}

export class IdleWatcher {
  private watches = new Map<string, TWatch>();
  private stopped = false;

  constructor(
    private readonly workerId: string,
    private readonly slots: number,
    private readonly log: (l: string) => void = () => undefined,
    /** Narrows what this watcher may claim (tests sharing a database). */
    private readonly only?: string[],
  ) {}

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
        });
    }
    for (const [id, w] of this.watches) if (!w.client && w.retryAt <= now.getTime()) void this.open(id, w);
    return claimed.length;
  }

  private async open(id: string, w: TWatch) {
    // Back off while it keeps failing. Degraded mailboxes are still watched: the cause may be on the
    // sending side (SMTP AUTH off) while new mail still comes in.
    w.retryAt = Date.now() + Math.min(RETRY_MS * 2 ** w.failures, 10 * 60_000);
    const mb = await db().mailbox.findUnique({
      where: { id },
      select: { address: true, folder: true, tenant: { select: { cloud: true } } },
    });
    if (!mb || this.stopped || this.watches.get(id) !== w) return;
    try {
      const { hosts, accessToken } = await mailboxToken({ ...w.ctx, cloud: mb.tenant.cloud }, "imap");
      // IDLE re-issued well before Exchange ends it (30 minutes): lib/mail/imap.ts's "watch" options.
      const client = imapClient({ hosts, user: mb.address, accessToken }, "watch");
      client.on("exists", (e: { count: number; prevCount: number }) => {
        if (e.count > e.prevCount) void markDue(id).catch(() => undefined);
      });
      client.on("close", () => {
        if (w.client === client) w.client = null; // re-opened by a later tick, after RETRY_MS
      });
      await client.connect();
      await client.mailboxOpen(mb.folder, { readOnly: true });
      if (this.stopped || this.watches.get(id) !== w) return void closeImap(client);
      w.client = client; // imapflow IDLEs by itself while no command runs
      w.failures = 0;
    } catch (err) {
      // Diagnosing is the sync's and the connection test's job; the watch just waits and retries.
      if (w.failures++ === 0) this.log(`watch ${id}: ${(err as Error).message} (retrying with backoff)`);
    }
  }

  private async drop(id: string, release: boolean) {
    const w = this.watches.get(id);
    this.watches.delete(id);
    if (w?.client) await w.client.logout().catch(() => w.client?.close());
    if (release)
      await db().mailbox.updateMany({ where: { id, watchOwner: this.workerId }, data: { watchOwner: null, watchExpiresAt: null } });
  }

  /** Closes every connection and gives the watches back at once. */
  async stop() {
    this.stopped = true;
    for (const id of this.watching) await this.drop(id, true);
  }
}
