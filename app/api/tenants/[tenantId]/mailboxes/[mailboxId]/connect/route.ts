// Connect / Re-connect: starts a user consent round trip for the mailbox and returns the
// Microsoft sign-in URL (the browser follows it; the state cookie binds the flow to it).
import { NextResponse } from "next/server";
import { z } from "zod";
import { ZId } from "@/lib/http/route";
import { mailboxRoute } from "@/lib/http/mailbox-route";
import { startMailboxConsent } from "@/lib/consent/start-consent";
import { setStateCookie } from "@/lib/consent/state-cookie";

const params = z.object({ tenantId: ZId, mailboxId: ZId });

export const POST = mailboxRoute({ params, can: "connect_mailboxes" }, async ({ scope, ref }) => {
  const started = await startMailboxConsent({ ...ref, staffUserId: scope.staffUserId });
  return setStateCookie(NextResponse.json({ url: started.url }), started.state);
});
