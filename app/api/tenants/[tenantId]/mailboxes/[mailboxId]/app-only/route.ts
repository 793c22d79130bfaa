// The app-only checklist of a mailbox whose app connects with its own identity: GET reads the
// steps' last results with this tenant's PowerShell filled in; POST checks one step live. Never
// returns a token (the token panel shows its resource, roles and expiry only).
import { z } from "zod";
import { ZId } from "@/lib/http/route";
import { mailboxRoute } from "@/lib/http/mailbox-route";
import { getAppOnlyChecklist, runAppOnlyCheck } from "@/lib/checks/app-only-checklist";
import { auditActor } from "@/lib/audit/write-audit";

const params = z.object({ tenantId: ZId, mailboxId: ZId });
const body = z
  .object({
    step: z.enum(["consent", "exchange", "graph_scope", "connection"], { message: "Pick a checklist step." }),
    outsideAddress: z.string().trim().toLowerCase().email("Enter a mailbox address of this tenant.").max(254).nullable().optional(),
  })
  .strict();

export const GET = mailboxRoute({ params }, async ({ ref }) => ({ checklist: await getAppOnlyChecklist(ref) }));

export const POST = mailboxRoute({ params, body, can: "connect_mailboxes" }, async ({ scope, ref, body: b }) => ({
  checklist: await runAppOnlyCheck(ref, b.step, { outsideAddress: b.outsideAddress, actor: auditActor(scope) }),
}));
