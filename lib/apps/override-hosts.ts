import "server-only";
// Authority and token-endpoint overrides must be on the app's cloud's Microsoft login host: the
// tenant's cloud for a single-tenant app, any enabled cloud for a multi-tenant one.
import type { Prisma } from "../db/generated/client";
import { badRequest } from "../core/errors";
import { trustedMicrosoftUrl } from "../microsoft/trusted-microsoft-url";
import type { TCloud } from "../microsoft/clouds";

type TOverrides = { authorityOverride?: string | null; tokenEndpointOverride?: string | null };

export function assertOverridesTrusted(input: TOverrides, cloud: TCloud | null) {
  const fields: Record<string, string> = {};
  if (input.authorityOverride) {
    const c = trustedMicrosoftUrl(input.authorityOverride, cloud, "authority");
    if (!c.ok) fields.authorityOverride = c.reason;
  }
  if (input.tokenEndpointOverride) {
    const c = trustedMicrosoftUrl(input.tokenEndpointOverride, cloud, "token");
    if (!c.ok) fields.tokenEndpointOverride = c.reason;
  }
  if (Object.keys(fields).length) throw badRequest(Object.values(fields)[0], fields);
}

/** The cloud an app's overrides are checked against (null: several, for a multi-tenant app). */
export async function appCloud(
  tx: Prisma.TransactionClient,
  where: { workspaceId: string; tenantId: string | null },
): Promise<TCloud | null> {
  if (!where.tenantId) return null;
  const t = await tx.tenant.findFirst({ where: { id: where.tenantId, workspaceId: where.workspaceId }, select: { cloud: true } });
  return t?.cloud ?? null;
}
