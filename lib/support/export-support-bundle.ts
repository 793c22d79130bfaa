import "server-only";
// A support bundle export: the redacted bundle, its file name, and the audit line recording who
// exported what (moved from the route handler).
import { db } from "../db/client";
import type { TScope } from "../auth/session";
import { auditActor, writeAudit } from "../audit/write-audit";
import { buildSupportBundle, bundleFileName, type TBundleQuery } from "./support-bundle";

export async function exportSupportBundle(scope: TScope, query: TBundleQuery): Promise<{ json: string; name: string }> {
  const json = await buildSupportBundle(scope, query);
  const [tenant, mailbox] = await Promise.all([
    query.tenantId
      ? db().tenant.findFirst({ where: { id: query.tenantId, workspaceId: scope.workspaceId }, select: { displayName: true } })
      : null,
    query.mailboxId
      ? db().mailbox.findFirst({
          where: { id: query.mailboxId, workspaceId: scope.workspaceId },
          select: { address: true, tenantId: true },
        })
      : null,
  ]);
  await writeAudit(db(), auditActor(scope), {
    action: "support_bundle.export",
    targetType: query.mailboxId ? "mailbox" : query.tenantId ? "tenant" : "workspace",
    targetId: query.mailboxId ?? query.tenantId ?? null,
    tenantId: mailbox?.tenantId ?? query.tenantId ?? null,
    detail: { days: query.days, pseudonymized: query.pseudonymize, bytes: Buffer.byteLength(json) },
  });
  const name = bundleFileName({ tenantName: tenant?.displayName, mailboxAddress: query.pseudonymize ? null : mailbox?.address });
  return { json, name };
}
