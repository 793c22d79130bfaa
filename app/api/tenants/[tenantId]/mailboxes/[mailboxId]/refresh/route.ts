// "Refresh token now" / "Retry now": redeems the grant's refresh token at once and reports the
// classified outcome. Never returns a token.
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { notFound } from "@/lib/core/errors";
import { db } from "@/lib/db/client";
import { hostsFor } from "@/lib/clouds/hosts-for";
import { resourceForProtocol } from "@/lib/microsoft/scope-profiles";
import { getAccessToken, TokenError } from "@/lib/grants/get-access-token";
import { microsoftRefresher } from "@/lib/grants/microsoft-refresher";
import { catalogEntry, type TDiagnosisCode } from "@/lib/diagnostics/catalog";
import { writeAudit, auditActor } from "@/lib/audit/write-audit";

const params = z.object({ tenantId: ZId, mailboxId: ZId });

export const POST = route({ params }, async ({ scope, params: p }) => {
  assertTenantAccess(scope, p.tenantId, "Mailbox");
  assertCan(scope, "connect_mailboxes");
  const mb = await db().mailbox.findFirst({ where: { id: p.mailboxId, workspaceId: scope.workspaceId, tenantId: p.tenantId }, select: { inbound: true, grant: { select: { id: true } }, tenant: { select: { cloud: true } } } });
  if (!mb?.grant) throw notFound("Mailbox");
  const resource = resourceForProtocol(mb.inbound === "graph" ? "graph" : "imap", hostsFor(mb.tenant.cloud));
  await writeAudit(db(), auditActor(scope), { action: "mailbox.refresh_token", targetType: "mailbox", targetId: p.mailboxId, tenantId: p.tenantId });
  try {
    const r = await getAccessToken({ workspaceId: scope.workspaceId, tenantId: p.tenantId, mailboxId: p.mailboxId, resource }, microsoftRefresher, { forceRefresh: true });
    return { ok: true, expiresAt: r.expiresAt };
  } catch (err) {
    if (!(err instanceof TokenError)) throw err;
    const d = catalogEntry(err.code as TDiagnosisCode);
    return { ok: false, kind: err.kind, diagnosis: { code: err.code, title: d.title, cause: d.cause, fixSteps: [...d.fixSteps], retryable: d.retryable } };
  }
});
