// A tenant's outstanding consent links (optionally one mailbox's): who made them, when they expire,
// whether anyone opened them.
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertTenantAccess } from "@/lib/auth/guard";
import { listConsentLinks } from "@/lib/consent/manage-links";

const params = z.object({ tenantId: ZId });
const query = z.object({ mailboxId: ZId.optional() }).strict();

export const GET = route({ params, query }, async ({ scope, params: p, query: q }) => {
  assertTenantAccess(scope, p.tenantId);
  return { links: await listConsentLinks({ workspaceId: scope.workspaceId, tenantId: p.tenantId, mailboxId: q.mailboxId }) };
});
