import "server-only";
// Which staff account a Microsoft sign-in is. The key is (oid, tid) from the verified id_token:
// both are immutable, while `email` and `preferred_username` can be changed by any admin of the
// signing-in tenant. Email links an account once, and only inside the configured tenant.
import { z } from "zod";
import { db } from "../db/client";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ZClaims = z.object({
  oid: z.string().regex(GUID),
  tid: z.string().regex(GUID),
  email: z.string().max(320).optional(),
  preferred_username: z.string().max(320).optional(),
});

export type TSsoRefusal = "missing_claims" | "wrong_tenant" | "no_staff_account" | "linked_to_another" | "disabled";
export type TSsoDecision = { ok: true; staffUserId: string; linked: boolean } | { ok: false; reason: TSsoRefusal };

/** `configuredTenant` is AUTH_ENTRA_TENANT: a directory id, or common/organizations/consumers/a domain. */
export async function resolveSsoStaff(claims: unknown, configuredTenant: string): Promise<TSsoDecision> {
  const parsed = ZClaims.safeParse(claims);
  if (!parsed.success) return { ok: false, reason: "missing_claims" };
  const oid = parsed.data.oid.toLowerCase();
  const tid = parsed.data.tid.toLowerCase();
  // Only a directory id names one tenant; "common", "organizations" or a domain don't pin who may link.
  const pinned = GUID.test(configuredTenant) ? configuredTenant.toLowerCase() : null;
  if (pinned && tid !== pinned) return { ok: false, reason: "wrong_tenant" };

  const byOid = await db().staffUser.findUnique({ where: { entraOid: oid } });
  if (byOid) {
    if (byOid.entraTid && byOid.entraTid !== tid) return { ok: false, reason: "wrong_tenant" };
    // Linked before the tenant was stored: adopt it only when it's the pinned tenant.
    if (!byOid.entraTid) {
      if (!pinned) return { ok: false, reason: "wrong_tenant" };
      await db().staffUser.updateMany({ where: { id: byOid.id, entraOid: oid, entraTid: null }, data: { entraTid: tid } });
    }
    if (byOid.isDisabled) return { ok: false, reason: "disabled" };
    return { ok: true, staffUserId: byOid.id, linked: false };
  }

  // First sign-in: link by email, once, only in the pinned tenant, only to an account with no oid.
  if (!pinned) return { ok: false, reason: "no_staff_account" };
  const email = (parsed.data.email ?? parsed.data.preferred_username ?? "").trim().toLowerCase();
  if (!email) return { ok: false, reason: "no_staff_account" };
  const byEmail = await db().staffUser.findUnique({ where: { email } });
  if (!byEmail) return { ok: false, reason: "no_staff_account" };
  if (byEmail.entraOid) return { ok: false, reason: "linked_to_another" };
  if (byEmail.isDisabled) return { ok: false, reason: "disabled" };
  // Conditional, so two first sign-ins racing can't both link (the loser sees count 0).
  const linked = await db()
    .staffUser.updateMany({ where: { id: byEmail.id, entraOid: null }, data: { entraOid: oid, entraTid: tid } })
    .catch((err: { code?: string }) => (err?.code === "P2002" ? { count: 0 } : Promise.reject(err)));
  if (linked.count !== 1) return { ok: false, reason: "linked_to_another" };
  return { ok: true, staffUserId: byEmail.id, linked: true };
}
