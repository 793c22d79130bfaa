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
  /** A failed attempt from a link that is still open: "Try again" starts a new attempt. */
  canRetry: boolean;
  isStaffFlow: boolean;
  tenantId: string;
  mailboxId: string | null;
};

export async function getConsentResult(state: string): Promise<TResultView | null> {
  if (tokenPurpose(state) !== "state") return null;
  const r = await db().consentRequest.findUnique({
    where: { stateHash: hashToken(state) },
    include: {
      tenant: { select: { displayName: true } },
      mailbox: { select: { address: true } },
      linkRequest: { select: { status: true, expiresAt: true } },
    },
  });
  if (!r) return null;
  const link = r.linkRequest ?? (r.linkTokenHash ? r : null);
  return {
    kind: r.kind,
    status: r.status,
    resultCode: r.resultCode,
    detail: (r.resultDetail as Record<string, unknown> | null) ?? {},
    tenantName: r.tenant.displayName,
    mailboxAddress: r.mailbox?.address ?? null,
    isLink: !!link,
    canRetry: !!link && link.status === "pending" && link.expiresAt > new Date() && r.status !== "completed",
    isStaffFlow: !!r.createdById,
    tenantId: r.tenantId,
    mailboxId: r.mailboxId,
  };
}

/** A consent link's visitor retries after a failure: the link to start a new attempt from. */
export async function consentRequestForRetry(state: string) {
  if (tokenPurpose(state) !== "state") return null;
  const r = await db().consentRequest.findUnique({
    where: { stateHash: hashToken(state) },
    select: { id: true, linkTokenHash: true, linkRequestId: true },
  });
  const linkId = r?.linkRequestId ?? (r?.linkTokenHash ? r.id : null);
  if (!linkId) return null;
  const link = await db().consentRequest.findUnique({ where: { id: linkId }, select: { id: true, status: true, expiresAt: true } });
  if (!link || link.status !== "pending" || link.expiresAt < new Date()) return null;
  return link.id;
}
