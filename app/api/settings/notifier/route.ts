// The workspace's notifier mailbox (emails consent links): read, choose, clear.
import { z } from "zod";
import { route } from "@/lib/http/route";
import { assertCan } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { listNotifierCandidates, notifierFor, setNotifier } from "@/lib/notify/notifier";

export const GET = route({}, async ({ scope }) => ({
  notifier: await notifierFor(scope),
  candidates: await listNotifierCandidates(scope),
}));

const body = z.object({ mailboxId: z.string().uuid("Pick a mailbox.").nullable() }).strict();

export const PUT = route({ body }, async ({ scope, body: b }) => {
  assertCan(scope, "manage_tenants");
  return { notifier: await setNotifier({ scope, actor: auditActor(scope), mailboxId: b.mailboxId }) };
});
