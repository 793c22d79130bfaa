import "server-only";
// "Refresh token now" / "Retry now": redeems the grant's refresh token at once (for the resource
// the mailbox reads with) and reports the classified outcome. Never returns a token. The request
// is audited before the refresh, so an attempt is on record whatever Microsoft answers; the
// refresh's own outcome (state, event) is written by getAccessToken in its transaction.
import { db } from "../db/client";
import { notFound } from "../core/errors";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import { TokenError } from "../grants/get-access-token";
import { mailboxToken } from "../grants/mailbox-token";
import { describe } from "../diagnostics/describe";
import { withMailboxTrace } from "../trace/mailbox-trace";

export type TRefreshOutcome =
  | { ok: true; expiresAt: Date }
  | {
      ok: false;
      kind: TokenError["kind"];
      diagnosis: { code: string; title: string; cause: string; fixSteps: string[]; retryable: boolean };
    };

export async function refreshMailboxToken(
  ctx: { workspaceId: string; tenantId: string; mailboxId: string },
  actor: TAuditActor,
): Promise<TRefreshOutcome> {
  const mb = await db().mailbox.findFirst({
    where: { id: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId },
    select: { inbound: true, grant: { select: { id: true } }, tenant: { select: { cloud: true } } },
  });
  if (!mb?.grant) throw notFound("Mailbox");
  await writeAudit(db(), actor, {
    action: "mailbox.refresh_token",
    targetType: "mailbox",
    targetId: ctx.mailboxId,
    tenantId: ctx.tenantId,
  });
  try {
    const r = await withMailboxTrace(ctx, "refresh", () =>
      mailboxToken({ ...ctx, cloud: mb.tenant.cloud }, mb.inbound === "graph" ? "graph" : "imap", { forceRefresh: true }),
    );
    return { ok: true, expiresAt: r.expiresAt };
  } catch (err) {
    if (!(err instanceof TokenError)) throw err;
    const d = describe(err.code);
    return {
      ok: false,
      kind: err.kind,
      diagnosis: { code: err.code, title: d.title, cause: d.cause, fixSteps: [...d.fixSteps], retryable: d.retryable },
    };
  }
}
