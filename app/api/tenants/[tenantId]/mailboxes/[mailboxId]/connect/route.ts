// Connect / Re-connect: starts a user consent round trip for the mailbox and returns the
// Microsoft sign-in URL (the browser follows it; the state cookie binds the flow to it).
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { startMailboxConsent } from "@/lib/consent/start-consent";
import { setStateCookie } from "@/lib/consent/state-cookie";

const params = z.object({ tenantId: ZId, mailboxId: ZId });

export const POST = route({ params }, async ({ scope, params: p }) => {
  assertTenantAccess(scope, p.tenantId, "Mailbox");
  assertCan(scope, "connect_mailboxes");
  const started = await startMailboxConsent({ workspaceId: scope.workspaceId, tenantId: p.tenantId, mailboxId: p.mailboxId, staffUserId: scope.staffUserId });
  return setStateCookie(NextResponse.json({ url: started.url }), started.state);
});
