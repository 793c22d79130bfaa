// Messages synced from a mailbox (headers only), newest first, optionally filtered.
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertTenantAccess } from "@/lib/auth/guard";
import { db } from "@/lib/db/client";
import { notFound } from "@/lib/core/errors";
import { listMessages } from "@/lib/mailboxes/list-messages";

const params = z.object({ tenantId: ZId, mailboxId: ZId });
const query = z.object({ limit: z.coerce.number().int().min(1).max(200).default(25), q: z.string().trim().max(200).optional() });

export const GET = route({ params, query }, async ({ scope, params: p, query: q }) => {
  assertTenantAccess(scope, p.tenantId, "Mailbox");
  const exists = await db().mailbox.count({ where: { id: p.mailboxId, workspaceId: scope.workspaceId, tenantId: p.tenantId } });
  if (!exists) throw notFound("Mailbox");
  return listMessages({ workspaceId: scope.workspaceId, tenantId: p.tenantId, mailboxId: p.mailboxId, limit: q.limit, q: q.q || undefined });
});
