// "Sync now": makes the mailbox due at once; a worker picks it up within seconds.
import { z } from "zod";
import { ZId } from "@/lib/http/route";
import { mailboxRoute } from "@/lib/http/mailbox-route";
import { auditActor } from "@/lib/audit/write-audit";
import { syncNow } from "@/lib/checks/sync-now";

export const POST = mailboxRoute(
  { params: z.object({ tenantId: ZId, mailboxId: ZId }), can: "connect_mailboxes" },
  async ({ scope, ref }) => syncNow(ref, auditActor(scope)),
);
