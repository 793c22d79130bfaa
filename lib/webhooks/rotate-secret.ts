import "server-only";
// "Rotate secret" on a webhook endpoint: a new signing secret, shown once and sealed. For a grace
// period the old one keeps signing too (two v1= values, the new one first, like Stripe), so the
// receiver can switch without dropping deliveries; with no grace period it stops at once.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { db } from "../db/client";
import { notFound } from "../core/errors";
import type { TScope } from "../auth/session";
import { ownForWrite } from "./webhooks";
import { sealValue, unsealValue } from "../crypto";
import { writeAudit, type TAuditActor } from "../audit/write-audit";

export const ZWebhookRotate = z
  .object({ graceHours: z.number().int().min(0).max(168, "At most 7 days (168 hours).").default(24) })
  .strict()
  .default({ graceHours: 24 });

export async function rotateWebhookSecret(ctx: {
  workspaceId: string;
  actor: TAuditActor;
  scope: Pick<TScope, "role" | "hasAllTenants" | "tenantIds">;
  id: string;
  input: z.infer<typeof ZWebhookRotate>;
}) {
  // A secret serves every tenant the endpoint covers: the same reach rule as any other change.
  const w = await ownForWrite(ctx, ctx.id);
  const secret = `whsec_${randomBytes(32).toString("base64url")}`;
  const bind = { workspaceId: ctx.workspaceId, rowId: w.id };
  const graceUntil = ctx.input.graceHours > 0 ? new Date(Date.now() + ctx.input.graceHours * 3600_000) : null;
  await db().$transaction(async (tx) => {
    // Locked so two rotations at once can't both keep "the old secret" and lose one.
    const [cur] = await tx.$queryRaw<
      { sealedSecret: string }[]
    >`SELECT "sealedSecret" FROM "WebhookEndpoint" WHERE "id" = ${w.id} FOR UPDATE`;
    if (!cur) throw notFound("Webhook");
    await tx.webhookEndpoint.update({
      where: { id: w.id },
      data: {
        sealedSecret: sealValue(secret, "generic", bind),
        sealedPreviousSecret: graceUntil ? sealValue(unsealValue(cur.sealedSecret, "generic", bind), "generic", bind) : null,
        previousSecretExpiresAt: graceUntil,
      },
    });
    await writeAudit(tx, ctx.actor, {
      action: "webhook.rotate_secret",
      targetType: "webhook",
      targetId: w.id,
      detail: { graceHours: ctx.input.graceHours, previousValidUntil: graceUntil?.toISOString() ?? null },
    });
  });
  return { secret, previousSecretValidUntil: graceUntil };
}

/** The secrets a delivery is signed with now: the current one, then the previous one in its grace period. */
export function signingSecrets(
  ep: { id: string; workspaceId: string; sealedSecret: string; sealedPreviousSecret: string | null; previousSecretExpiresAt: Date | null },
  now = new Date(),
): string[] {
  const bind = { workspaceId: ep.workspaceId, rowId: ep.id };
  const current = unsealValue(ep.sealedSecret, "generic", bind);
  const inGrace = ep.sealedPreviousSecret && ep.previousSecretExpiresAt && ep.previousSecretExpiresAt > now;
  return inGrace ? [current, unsealValue(ep.sealedPreviousSecret!, "generic", bind)] : [current];
}
