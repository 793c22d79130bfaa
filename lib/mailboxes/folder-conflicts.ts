import "server-only";
// Two configurations reading the same folder of the same mailbox, where either moves or deletes
// what it processed, take mail from each other (the seeds' "dev and prod must not share a folder").
// Consentry can see this across its own tenants; it only speaks of those the caller may see.
import { db } from "../db/client";
import { canAccessTenant } from "../auth/guard";
import type { TScope } from "../auth/session";

const TAKES = ["move", "delete"];

type TMe = { address: string; folder: string; afterProcessing: string; inbound: string };

/** `known` is the mailbox when the caller already read it (the mailbox page does). */
export async function folderConflicts(scope: Pick<TScope, "workspaceId" | "hasAllTenants" | "tenantIds">, mailboxId: string, known?: TMe) {
  const me =
    known ??
    (await db().mailbox.findFirst({
      where: { id: mailboxId, workspaceId: scope.workspaceId },
      select: { address: true, folder: true, afterProcessing: true, inbound: true },
    }));
  if (!me || me.inbound === "none") return { visible: [] };
  const others = await db().mailbox.findMany({
    where: {
      workspaceId: scope.workspaceId,
      id: { not: mailboxId },
      address: { equals: me.address, mode: "insensitive" },
      inbound: { not: "none" },
      folder: { equals: me.folder, mode: "insensitive" },
    },
    select: { id: true, tenantId: true, afterProcessing: true, tenant: { select: { displayName: true } } },
  });
  const clashing = others.filter((o) => TAKES.includes(o.afterProcessing) || TAKES.includes(me.afterProcessing));
  const visible = clashing
    .filter((o) => canAccessTenant(scope, o.tenantId))
    .map((o) => ({ id: o.id, tenantId: o.tenantId, tenantName: o.tenant.displayName, afterProcessing: o.afterProcessing }));
  return { visible };
}
