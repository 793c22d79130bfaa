import "server-only";
// Everything the mailbox page shows about one mailbox, read side by side: its diagnosis, recent
// events, last connection test, folder conflicts and push path (moved from the route handler).
import { db } from "../db/client";
import type { TScope } from "../auth/session";
import type { TMailboxRef } from "../core/scope";
import { describe } from "../diagnostics/describe";
import { listMailboxEvents } from "../mailboxes/manage-mailboxes";
import { lastConnectionTest } from "../checks/connection-test";
import { folderConflicts } from "../mailboxes/folder-conflicts";
import type { TLoadedMailbox } from "../mailboxes/load-mailbox";
import { fixLinks } from "../diagnostics/fix-links";
import { workerStatus } from "../workers/worker-status";
import { nextRefreshAt } from "../grants/next-refresh";
import { isSyncableState } from "../core/scope";

export async function getMailboxDetail(
  scope: Pick<TScope, "workspaceId" | "hasAllTenants" | "tenantIds">,
  ctx: TMailboxRef,
  mailbox: TLoadedMailbox,
) {
  const d = describe(mailbox.stateCode);
  // Independent reads, side by side; the push path is one query for both kinds.
  const [events, lastTest, conflicts, pushRow, where, workers, lastChange] = await Promise.all([
    listMailboxEvents(ctx),
    lastConnectionTest(ctx),
    folderConflicts(scope, ctx.mailboxId, mailbox),
    db().mailbox.findFirst({
      where: { id: ctx.mailboxId, workspaceId: ctx.workspaceId },
      select: { watchExpiresAt: true, graphSubscription: { select: { expiresAt: true, lastNotificationAt: true } } },
    }),
    // Where the fix is done: the tenant's cloud and directory, and the app's client id.
    db().mailbox.findFirst({
      where: { id: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId },
      select: {
        tenant: { select: { cloud: true, directoryId: true, primaryDomain: true } },
        appRegistration: { select: { clientId: true } },
      },
    }),
    // Whether a worker is alive, so "waiting for the first sync" says the truth about it.
    workerStatus(),
    // When the mailbox entered its current state: an older connection test is history.
    db().mailboxStateChange.findFirst({
      where: { mailboxId: ctx.mailboxId, workspaceId: ctx.workspaceId },
      orderBy: { createdAt: "desc" },
      select: { createdAt: true },
    }),
  ]);
  const links = fixLinks(mailbox.stateCode, {
    cloud: where?.tenant.cloud ?? "global",
    directoryId: mailbox.grant?.tid ?? where?.tenant.directoryId ?? null,
    domain: where?.tenant.primaryDomain ?? null,
    clientId: where?.appRegistration?.clientId ?? null,
    userObjectId: mailbox.grant?.oid ?? null,
  });
  const diagnosis = d
    ? { code: mailbox.stateCode, title: d.title, cause: d.cause, fixSteps: d.fixSteps, retryable: d.retryable, action: d.action, links }
    : null;
  const push = pushRow?.graphSubscription ?? null;
  const idle = !!pushRow?.watchExpiresAt && pushRow.watchExpiresAt.getTime() > Date.now();
  // When Microsoft is next asked for a token: a revocation or policy change shows then, since
  // access tokens it already issued stay valid until they expire.
  const g = mailbox.grant;
  const nextRefresh = g ? nextRefreshAt(g, { syncs: mailbox.inbound !== "none" && isSyncableState(mailbox.state) }).toISOString() : null;
  return {
    mailbox,
    events,
    diagnosis,
    lastTest,
    conflicts,
    push,
    idle,
    workersAlive: workers.alive,
    stateSince: lastChange?.createdAt ?? null,
    nextRefreshAt: nextRefresh,
  };
}
