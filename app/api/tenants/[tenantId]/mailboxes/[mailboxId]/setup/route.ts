// The shared-mailbox setup wizard's state: where it stands (resumable), the tenant-filled
// commands, and the last live checks; PUT moves it to a step.
import { z } from "zod";
import { ZId } from "@/lib/http/route";
import { mailboxRoute } from "@/lib/http/mailbox-route";
import { auditActor } from "@/lib/audit/write-audit";
import { getSharedSetup, saveSharedSetup, SETUP_STEPS } from "@/lib/mailboxes/shared-setup";
import { lastConnectionTest } from "@/lib/checks/connection-test";

const params = z.object({ tenantId: ZId, mailboxId: ZId });
const body = z.object({ step: z.enum(SETUP_STEPS) }).strict();

export const GET = mailboxRoute({ params }, async ({ ref }) => ({
  setup: await getSharedSetup(ref),
  lastTest: await lastConnectionTest(ref),
}));

export const PUT = mailboxRoute({ params, body, can: "connect_mailboxes" }, async ({ scope, ref, body }) => ({
  setup: await saveSharedSetup({ ...ref, actor: auditActor(scope) }, body.step),
}));
