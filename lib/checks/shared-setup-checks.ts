import "server-only";
// The wizard's live checks: the real connection test (each protocol the mailbox uses, with the
// shared-mailbox evidence), and the wizard moves to "done" once every check passes.
import { db } from "../db/client";
import type { TAuditActor } from "../audit/write-audit";
import type { TMailboxRef } from "../core/scope";
import { testMailboxConnection } from "./connection-test";

export async function runSetupChecks(ref: TMailboxRef & { actor: TAuditActor }) {
  const { actor, ...ctx } = ref;
  const result = await testMailboxConnection(ctx, { actor });
  await db().sharedMailboxSetup.updateMany({
    where: { mailboxId: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId },
    data: { step: result.ok ? "done" : "checks" },
  });
  return result;
}
