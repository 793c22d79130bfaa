import "server-only";
// Consent-link management for staff: the outstanding links of a tenant (or one mailbox) with who
// made them, when they expire and whether anyone has opened them. ("Resend" delivers, so it lives
// with delivery: lib/notify/deliver-consent-link.ts.)
import { db } from "../db/client";
import { notFound } from "../core/errors";
import type { TTenantRef } from "../core/scope";

/** Links still usable: not used, not revoked, not expired (a link row has a token hash). */
export async function listConsentLinks(ref: TTenantRef & { mailboxId?: string; now?: Date }) {
  const now = ref.now ?? new Date();
  // A tenant of another workspace (or none) is a 404, not an empty list.
  const tenant = await db().tenant.findFirst({ where: { id: ref.tenantId, workspaceId: ref.workspaceId }, select: { id: true } });
  if (!tenant) throw notFound("Tenant");
  const rows = await db().consentRequest.findMany({
    where: {
      workspaceId: ref.workspaceId,
      tenantId: ref.tenantId,
      ...(ref.mailboxId ? { mailboxId: ref.mailboxId } : {}),
      linkTokenHash: { not: null },
      status: "pending",
      expiresAt: { gt: now },
    },
    orderBy: { createdAt: "desc" },
    take: 500,
    select: {
      id: true,
      kind: true,
      mailboxId: true,
      expectedUpn: true,
      linkCreatedBy: true,
      createdAt: true,
      expiresAt: true,
      mailbox: { select: { address: true } },
      appRegistration: { select: { id: true, displayName: true } },
      attempts: { orderBy: { createdAt: "desc" }, take: 1, select: { createdAt: true, resultCode: true } },
      _count: { select: { attempts: true } },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    mailboxId: r.mailboxId,
    mailboxAddress: r.mailbox?.address ?? null,
    signInAs: r.expectedUpn,
    app: r.appRegistration,
    createdBy: r.linkCreatedBy,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    visits: r._count.attempts,
    lastVisitAt: r.attempts[0]?.createdAt ?? null,
    lastResult: r.attempts[0]?.resultCode ?? null,
  }));
}
