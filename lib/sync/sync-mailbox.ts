import "server-only";
// One sync round of one mailbox, orchestrated: its token, the reader for its protocol (IMAP: UIDs
// after the last one seen, per UIDVALIDITY; POP3: unique ids; Graph: delta), which stores new mail
// once each and applies the after-processing action, then the outcome. Progress is written as it
// goes (the mailbox page's progress bar); failures become diagnoses and backoff. Hostile mail never
// stalls a round: readers fetch sizes first and cut batches by bytes, oversized mail is stored as
// its summary plus a note, and the storer keeps a refused row without what the database refused.
import { db, Prisma } from "../db/client";
import { env } from "../env";
import { classify } from "../diagnostics/classify";
import { isTokenRejection } from "../diagnostics/token-rejection";
import { TokenError } from "../grants/get-access-token";
import { appOpensOtherMailbox, mailboxToken, type TMailboxToken } from "../grants/mailbox-token";
import { markSyncFailure } from "../mailboxes/mailbox-state";
import type { TCloudHosts } from "../microsoft/clouds";
import { syncLimits, type TCtx, type TLimits, type TMailboxRow, type TSyncResult, type TSyncState } from "./bookkeeping";
import { readGraph } from "./graph-reader";
import { readImap } from "./imap-reader";
import { readPop } from "./pop-reader";
import { storer } from "./storer";
import { saveState, syncEvent } from "./sync-writes";
import { withMailboxTrace } from "../trace/mailbox-trace";

export {
  MAX_BATCH_BYTES,
  MAX_MESSAGE_BYTES,
  nextSyncDelayMs,
  planBatches,
  PUSHED_SYNC_INTERVAL_MS,
  SYNC_INTERVAL_MS,
  type TSyncResult,
  type TSyncState,
} from "./bookkeeping";

/** `deferLastSyncAt`: the caller writes lastSyncAt itself (the worker, with its lease release). */
type TSyncOpts = { onBatch?: () => Promise<boolean>; limits?: Partial<TLimits>; deferLastSyncAt?: boolean };

/** `limits` lowers the per-message and per-batch byte limits (tests). Traced while the mailbox's
 *  trace switch is on (lib/trace). */
export function syncMailbox(ctx: TCtx, opts: TSyncOpts = {}): Promise<TSyncResult> {
  return withMailboxTrace(ctx, "sync", () => syncRound(ctx, opts));
}

async function syncRound(ctx: TCtx, opts: TSyncOpts): Promise<TSyncResult> {
  const limits = syncLimits({ graphRequestsPerWindow: env().GRAPH_REQUESTS_PER_WINDOW, ...opts.limits });
  const row = await db().mailbox.findFirst({
    where: { id: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId },
    select: {
      address: true,
      kind: true,
      delegateUpn: true,
      signInName: true,
      inbound: true,
      folder: true,
      afterProcessing: true,
      moveToFolder: true,
      syncState: true,
      tenant: { select: { cloud: true } },
      grant: { select: { upn: true } },
    },
  });
  if (!row || (row.inbound !== "imap" && row.inbound !== "graph" && row.inbound !== "pop")) return { ok: true, stored: 0, skipped: 0 };
  const mb: TMailboxRow = { ...row, syncState: (row.syncState as TSyncState | null) ?? {}, cloud: row.tenant.cloud };
  let hosts: TCloudHosts;
  let token: string;
  let appOnly: TMailboxToken["appOnly"];
  try {
    ({ hosts, accessToken: token, appOnly } = await mailboxToken({ ...ctx, cloud: mb.cloud }, mb.inbound as "imap" | "pop" | "graph"));
  } catch (err) {
    if (!(err instanceof TokenError)) throw err;
    // getAccessToken already moved the mailbox and logged the diagnosis.
    await saveState(ctx, { ...mb.syncState, failures: (mb.syncState.failures ?? 0) + 1 });
    return { ok: false, code: err.code, transient: err.kind === "transient", retryAfterSeconds: err.retryAfterSeconds };
  }
  const store = storer(ctx, mb, limits, opts.onBatch);
  const read = (accessToken: string) =>
    mb.inbound === "imap"
      ? readImap(ctx, mb, hosts.imap, accessToken, store, limits, async () => {
          // The session's token expired mid-round (Exchange's BYE AccessTokenExpired): a new one.
          const r = await mailboxToken({ ...ctx, cloud: mb.cloud }, "imap", { forceRefresh: true });
          return r.accessToken;
        })
      : mb.inbound === "pop"
        ? readPop(ctx, mb, hosts.pop, accessToken, store, limits, async () => {
            // Exchange ends a POP3 session when its sign-in token expires; resume with a new one.
            return (await mailboxToken({ ...ctx, cloud: mb.cloud }, "pop", { forceRefresh: true })).accessToken;
          })
        : readGraph(ctx, mb, hosts.graphUrl, accessToken, store, limits);
  let outcome = await read(token);
  if (!outcome.ok && isTokenRejection(outcome.failure)) {
    const rejected = outcome.failure;
    // The protocol refused the token without saying why: one forced refresh names the real cause
    // (revoked, password reset, MFA or Conditional Access, consent removed), recorded on the
    // mailbox by getAccessToken, or gives a token that works.
    try {
      token = (await mailboxToken({ ...ctx, cloud: mb.cloud }, mb.inbound as "imap" | "pop" | "graph", { forceRefresh: true })).accessToken;
    } catch (err) {
      if (!(err instanceof TokenError)) throw err;
      await saveState(ctx, { ...mb.syncState, failures: (mb.syncState.failures ?? 0) + 1 });
      return { ok: false, code: err.code, transient: err.kind === "transient", retryAfterSeconds: err.retryAfterSeconds };
    }
    outcome = await read(token);
    if (outcome.ok) {
      // Kept on record: the refused token (its evidence) and that a fresh one fixed it.
      const d0 = classify(rejected);
      await syncEvent(ctx, "warn", d0.code, `${d0.title}; Consentry refreshed the token and the retry worked.`, {
        evidence: d0.evidence.summary,
        transient: true,
      });
    }
  }
  if (outcome.ok) {
    // One UPDATE, no read first: the sync state is rewritten only when a failure count or an
    // unfinished progress bar needs it (a poll that found nothing new changes neither), and
    // lastSyncAt is left to the lease release when the worker asks (one UPDATE per round).
    const now = new Date();
    // A round stopped at its request budget isn't finished: the next one continues its progress.
    const finished = outcome.resumeAfterSeconds
      ? Prisma.sql`'{}'::jsonb`
      : Prisma.sql`jsonb_build_object('finishedAt', ${JSON.stringify(now.toISOString())}::jsonb)`;
    const stale = Prisma.sql`(COALESCE(("syncState"->>'failures')::int, 0) <> 0
      OR ("syncState" ? 'progress' AND NOT ("syncState"->'progress' ? 'finishedAt')))`;
    await db().$executeRaw`
      UPDATE "Mailbox" SET
        "lastSyncAt" = ${opts.deferLastSyncAt ? Prisma.sql`"lastSyncAt"` : Prisma.sql`${now}`},
        "syncState" = CASE WHEN ${stale}
          THEN "syncState" || '{"failures":0}'::jsonb || CASE WHEN "syncState" ? 'progress'
            THEN jsonb_build_object('progress', ("syncState"->'progress') || ${finished})
            ELSE '{}'::jsonb END
          ELSE "syncState" END
      WHERE "id" = ${ctx.mailboxId} ${opts.deferLastSyncAt ? Prisma.sql`AND ${stale}` : Prisma.empty}`;
    if (store.stored > 0)
      await syncEvent(ctx, "info", "synced", `Synced ${store.stored} new message${store.stored === 1 ? "" : "s"} from ${mb.folder}.`, {
        stored: store.stored,
        skipped: store.skipped,
      });
    return { ok: true, stored: store.stored, skipped: store.skipped, resumeAfterSeconds: outcome.resumeAfterSeconds };
  }
  const d = classify(outcome.failure, {
    expectedUser: row.address,
    tokenUpn: row.grant?.upn,
    signInName: row.signInName ?? undefined,
    mailboxKind: row.kind,
    delegateUpn: row.delegateUpn ?? undefined,
    // An app-only mailbox: Exchange's refusal is told apart with the app token's roles and whether
    // the app opens another mailbox of the tenant.
    ...(appOnly ? { appOnly: { ...appOnly, opensOtherMailbox: await appOpensOtherMailbox(ctx, appOnly.appRegistrationId) } } : {}),
  });
  const failures = (mb.syncState.failures ?? 0) + 1;
  const cur = await db().mailbox.findUniqueOrThrow({ where: { id: ctx.mailboxId }, select: { syncState: true, state: true } });
  await markSyncFailure(ctx, {
    state: cur.state,
    syncState: { ...((cur.syncState as TSyncState | null) ?? {}), failures } as Prisma.InputJsonValue,
    diagnosis: d,
    retryAfterSeconds: outcome.failure.retryAfterSeconds,
  });
  return { ok: false, code: d.code, transient: d.transient, retryAfterSeconds: outcome.failure.retryAfterSeconds };
}
