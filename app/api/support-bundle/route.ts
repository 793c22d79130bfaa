// Downloads a redacted support bundle (JSON) for the workspace, a tenant or a mailbox. Read-only,
// so support may export it; each export is recorded in the audit log.
import { route } from "@/lib/http/route";
import { db } from "@/lib/db/client";
import { auditActor, writeAudit } from "@/lib/audit/write-audit";
import { buildSupportBundle, bundleFileName, ZBundleQuery } from "@/lib/support/support-bundle";

export const GET = route({ query: ZBundleQuery }, async ({ scope, query }) => {
  const json = await buildSupportBundle(scope, query);
  const [tenant, mailbox] = await Promise.all([
    query.tenantId ? db().tenant.findFirst({ where: { id: query.tenantId, workspaceId: scope.workspaceId }, select: { displayName: true } }) : null,
    query.mailboxId ? db().mailbox.findFirst({ where: { id: query.mailboxId, workspaceId: scope.workspaceId }, select: { address: true, tenantId: true } }) : null,
  ]);
  await writeAudit(db(), auditActor(scope), {
    action: "support_bundle.export",
    targetType: query.mailboxId ? "mailbox" : query.tenantId ? "tenant" : "workspace",
    targetId: query.mailboxId ?? query.tenantId ?? null,
    tenantId: mailbox?.tenantId ?? query.tenantId ?? null,
    detail: { days: query.days, pseudonymized: query.pseudonymize, bytes: Buffer.byteLength(json) },
  });
  const name = bundleFileName({ tenantName: tenant?.displayName, mailboxAddress: query.pseudonymize ? null : mailbox?.address });
  return new Response(json, {
    headers: { "content-type": "application/json; charset=utf-8", "content-disposition": `attachment; filename="${name}"`, "cache-control": "no-store" },
  });
});
