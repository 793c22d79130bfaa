// One mailbox: read (with its token info panel), change settings, remove.
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { notFound } from "@/lib/http/errors";
import { deleteMailbox, getMailbox, listMailboxEvents, updateMailbox } from "@/lib/mailboxes/manage-mailboxes";
import { catalogEntry, type TDiagnosisCode } from "@/lib/diagnostics/catalog";
import { ZMailboxUpdate } from "@/lib/mailboxes/schemas";
import { lastConnectionTest } from "@/lib/checks/connection-test";
import { folderConflicts } from "@/lib/mailboxes/folder-conflicts";
import { db } from "@/lib/db/client";

const params = z.object({ tenantId: ZId, mailboxId: ZId });

export const GET = route({ params }, async ({ scope, params: p }) => {
  assertTenantAccess(scope, p.tenantId, "Mailbox");
  const mailbox = await getMailbox({ workspaceId: scope.workspaceId, tenantId: p.tenantId, mailboxId: p.mailboxId });
  if (!mailbox) throw notFound("Mailbox");
  const ctx = { workspaceId: scope.workspaceId, tenantId: p.tenantId, mailboxId: p.mailboxId };
  const d = mailbox.stateCode ? catalogEntry(mailbox.stateCode as TDiagnosisCode) : null;
  const diagnosis = d ? { code: mailbox.stateCode, title: d.title, cause: d.cause, fixSteps: [...d.fixSteps], retryable: d.retryable, action: d.action ?? null } : null;
  // Independent reads, side by side; the push path is one query for both kinds.
  const [events, lastTest, conflicts, pushRow] = await Promise.all([
    listMailboxEvents(ctx),
    lastConnectionTest(ctx),
    folderConflicts(scope, p.mailboxId, mailbox),
    db().mailbox.findFirst({ where: { id: p.mailboxId, workspaceId: scope.workspaceId }, select: { watchExpiresAt: true, graphSubscription: { select: { expiresAt: true, lastNotificationAt: true } } } }),
  ]);
  const push = pushRow?.graphSubscription ?? null;
  const idle = !!pushRow?.watchExpiresAt && pushRow.watchExpiresAt.getTime() > Date.now();
  return { mailbox, events, diagnosis, lastTest, conflicts, push, idle };
});

export const PATCH = route({ params, body: ZMailboxUpdate }, async ({ scope, params: p, body }) => {
  assertTenantAccess(scope, p.tenantId, "Mailbox");
  assertCan(scope, "connect_mailboxes");
  return { mailbox: await updateMailbox({ workspaceId: scope.workspaceId, tenantId: p.tenantId, mailboxId: p.mailboxId, actor: auditActor(scope), input: body }) };
});

export const DELETE = route({ params }, async ({ scope, params: p }) => {
  assertTenantAccess(scope, p.tenantId, "Mailbox");
  assertCan(scope, "connect_mailboxes");
  await deleteMailbox({ workspaceId: scope.workspaceId, tenantId: p.tenantId, mailboxId: p.mailboxId, actor: auditActor(scope) });
  return new NextResponse(null, { status: 204 });
});
