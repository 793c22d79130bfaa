// "Send consent link": a single-purpose, expiring link for the mailbox owner or delegate.
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { createMailboxConsentLink } from "@/lib/consent/consent-links";

const params = z.object({ tenantId: ZId, mailboxId: ZId });
const body = z.object({ days: z.number().int().min(1, "At least 1 day.").max(30, "At most 30 days.").optional() }).strict();

export const POST = route({ params, body }, async ({ scope, params: p, body: b }) => {
  assertTenantAccess(scope, p.tenantId, "Mailbox");
  assertCan(scope, "connect_mailboxes");
  const link = await createMailboxConsentLink({ workspaceId: scope.workspaceId, tenantId: p.tenantId, mailboxId: p.mailboxId, actor: auditActor(scope), days: b?.days });
  return NextResponse.json({ link }, { status: 201 });
});
