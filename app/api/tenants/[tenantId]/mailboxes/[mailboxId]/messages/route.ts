// Messages synced from a mailbox (headers only), newest first, optionally filtered.
import { z } from "zod";
import { ZId } from "@/lib/http/route";
import { mailboxRoute } from "@/lib/http/mailbox-route";
import { listMessages } from "@/lib/mailboxes/list-messages";

const params = z.object({ tenantId: ZId, mailboxId: ZId });
const query = z.object({ limit: z.coerce.number().int().min(1).max(200).default(25), q: z.string().trim().max(200).optional() });

export const GET = mailboxRoute({ params, query }, async ({ ref, query: q }) =>
  listMessages({ ...ref, limit: q.limit, q: q.q || undefined }),
);
