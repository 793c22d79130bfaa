// The wizard's live checks: a real sign-in per protocol, each with its own diagnosis and evidence;
// all passing moves the wizard to done. Never returns a token.
import { z } from "zod";
import { ZId } from "@/lib/http/route";
import { mailboxRoute } from "@/lib/http/mailbox-route";
import { auditActor } from "@/lib/audit/write-audit";
import { runSetupChecks } from "@/lib/checks/shared-setup-checks";
import { getSharedSetup } from "@/lib/mailboxes/shared-setup";

const params = z.object({ tenantId: ZId, mailboxId: ZId });

export const POST = mailboxRoute({ params, can: "connect_mailboxes" }, async ({ scope, ref }) => {
  const result = await runSetupChecks({ ...ref, actor: auditActor(scope) });
  return { result, setup: await getSharedSetup(ref) };
});
