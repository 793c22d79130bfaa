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
import { nextRefreshAt } from "../grants/next-refresh";
import { isSyncableState } from "../core/scope";

export async function getMailboxDetail(
  scope: Pick<TScope, "workspaceId" | "hasAllTenants" | "tenantIds">,
  ctx: TMailboxRef,
  mailbox: TLoadedMailbox,
) {
  const d = describe(mailbox.stateCode);
  const diagnosis = d
    ? { code: mailbox.stateCode, title: d.title, cause: d.cause, fixSteps: d.fixSteps, retryable: d.retryable, action: d.action }
    : null;
  // Independent reads, side by side; the push path is one query for both kinds.
  const [events, lastTest, conflicts, pushRow] = await Promise.all([
    listMailboxEvents(ctx),
    lastConnectionTest(ctx),
    folderConflicts(scope, ctx.mailboxId, mailbox),
    db().mailbox.findFirst({
      where: { id: ctx.mailboxId, workspaceId: ctx.workspaceId },
      select: { watchExpiresAt: true, graphSubscription: { select: { expiresAt: true, lastNotificationAt: true } } },
    }),
  ]);
  const push = pushRow?.graphSubscription ?? null;
  const idle = !!pushRow?.watchExpiresAt && pushRow.watchExpiresAt.getTime() > Date.now();
  // When Microsoft is next asked for a token: a revocation or policy change shows then, since
  // access tokens it already issued stay valid until they expire.
  const g = mailbox.grant;
  const nextRefresh = g ? nextRefreshAt(g, { syncs: mailbox.inbound !== "none" && isSyncableState(mailbox.state) }).toISOString() : null;
  return { mailbox, events, diagnosis, lastTest, conflicts, push, idle, nextRefreshAt: nextRefresh };
}
