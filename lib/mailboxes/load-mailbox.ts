import "server-only";
// Loads one mailbox by its full reference (workspace, tenant and id, never id alone) for the
// mailbox route wrapper: the DTO the handler authorised against (the same one getMailbox returns)
// and its tenant's cloud, which the action routes need to reach Microsoft.
import { db } from "../db/client";
import type { TMailboxRef } from "../core/scope";
import { mailboxSelect, toMailboxDto } from "./mailbox-dto";

export async function loadMailbox(ref: TMailboxRef) {
  const row = await db().mailbox.findFirst({
    where: { id: ref.mailboxId, workspaceId: ref.workspaceId, tenantId: ref.tenantId },
    select: { ...mailboxSelect, tenant: { select: { cloud: true } } },
  });
  if (!row) return null;
  const { tenant, ...mailbox } = row;
  return { mailbox: toMailboxDto(mailbox), cloud: tenant.cloud };
}
export type TLoadedMailbox = NonNullable<Awaited<ReturnType<typeof loadMailbox>>>["mailbox"];
