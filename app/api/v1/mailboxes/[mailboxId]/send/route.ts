// REST API: queue a message to send from the mailbox. 202 with its id; the same Idempotency-Key
// answers 200 with the first request's message instead of queueing it twice.
import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { ZId } from "@/lib/http/route";
import { badRequest } from "@/lib/core/errors";
import { apiMailbox } from "@/lib/api-v1/api-v1";
import { ZOutboundInput } from "@/lib/outbound/compose";
import { enqueueOutbound } from "@/lib/outbound/queue";

export const POST = apiRoute(
  { needs: "send", params: z.object({ mailboxId: ZId }), body: ZOutboundInput, maxBodyBytes: 4 * 1024 * 1024 },
  async ({ req, api, params, body }) => {
    const key = req.headers.get("idempotency-key") ?? undefined;
    if (key !== undefined && !/^[\x21-\x7e]{1,200}$/.test(key))
      throw badRequest("Idempotency-Key must be 1 to 200 visible ASCII characters.");
    const mb = await apiMailbox(api, params.mailboxId);
    const { message, replayed } = await enqueueOutbound({ workspaceId: api.workspaceId, tenantId: mb.tenantId, mailboxId: mb.id }, body, {
      idempotencyKey: key,
      createdVia: `api:${api.prefix}`,
    });
    return NextResponse.json({ message }, { status: replayed ? 200 : 202, headers: { location: `/api/v1/outbound/${message.id}` } });
  },
);
