import "server-only";
// What the OAuth result page shows. Looked up by the round trip's state, which only the browser
// that made the round trip holds.
import { db } from "../db/client";
import { hashToken, tokenPurpose } from "./secure-token";

export type TResultView = {
  kind: "user" | "admin";
  status: "pending" | "completed" | "failed" | "expired" | "revoked";
  resultCode: string | null;
  detail: Record<string, unknown>;
  tenantName: string;
  mailboxAddress: string | null;
  isLink: boolean;
  isStaffFlow: boolean;
  tenantId: string;
  mailboxId: string | null;
};

export async function getConsentResult(state: string): Promise<TResultView | null> {
  if (tokenPurpose(state) !== "state") return null;
  const r = await db().consentRequest.findUnique({ where: { stateHash: hashToken(state) }, include: { tenant: { select: { displayName: true } }, mailbox: { select: { address: true } } } });
  if (!r) return null;
  return {
    kind: r.kind,
    status: r.status,
    resultCode: r.resultCode,
    detail: (r.resultDetail as Record<string, unknown> | null) ?? {},
    tenantName: r.tenant.displayName,
    mailboxAddress: r.mailbox?.address ?? null,
    isLink: !!r.linkTokenHash,
    isStaffFlow: !!r.createdById,
    tenantId: r.tenantId,
    mailboxId: r.mailboxId,
  };
}

/** A consent link's visitor retries after a failure: a fresh round trip on the same request. */
export async function consentRequestForRetry(state: string) {
  if (tokenPurpose(state) !== "state") return null;
  const r = await db().consentRequest.findUnique({ where: { stateHash: hashToken(state) }, select: { id: true, linkTokenHash: true, status: true, expiresAt: true } });
  if (!r || !r.linkTokenHash || r.status !== "pending" || r.expiresAt < new Date()) return null;
  return r.id;
}
