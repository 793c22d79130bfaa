// "Refresh token now" / "Retry now": redeems the grant's refresh token at once and reports the
// classified outcome. Never returns a token.
import { z } from "zod";
import { ZId } from "@/lib/http/route";
import { mailboxRoute } from "@/lib/http/mailbox-route";
import { notFound } from "@/lib/core/errors";
import { db } from "@/lib/db/client";
import { hostsFor } from "@/lib/clouds/hosts-for";
import { resourceForProtocol } from "@/lib/microsoft/scope-profiles";
import { getAccessToken, TokenError } from "@/lib/grants/get-access-token";
import { microsoftRefresher } from "@/lib/grants/microsoft-refresher";
import { describe } from "@/lib/diagnostics/describe";
import { writeAudit, auditActor } from "@/lib/audit/write-audit";

const params = z.object({ tenantId: ZId, mailboxId: ZId });

export const POST = mailboxRoute({ params, can: "connect_mailboxes" }, async ({ scope, ref, mailbox, cloud }) => {
  if (!mailbox.grant) throw notFound("Mailbox");
  const resource = resourceForProtocol(mailbox.inbound === "graph" ? "graph" : "imap", hostsFor(cloud));
  await writeAudit(db(), auditActor(scope), { action: "mailbox.refresh_token", targetType: "mailbox", targetId: ref.mailboxId, tenantId: ref.tenantId });
  try {
    const r = await getAccessToken({ ...ref, resource }, microsoftRefresher, { forceRefresh: true });
    return { ok: true, expiresAt: r.expiresAt };
  } catch (err) {
    if (!(err instanceof TokenError)) throw err;
    const d = describe(err.code);
    return { ok: false, kind: err.kind, diagnosis: { code: err.code, title: d.title, cause: d.cause, fixSteps: d.fixSteps, retryable: d.retryable } };
  }
});
