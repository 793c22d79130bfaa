import "server-only";
// Dashboard counters, limited to the tenants the caller may see.
import { db } from "../db/client";
import { tenantIdIn } from "../core/scope";
import type { TScope } from "../auth/session";
import { workerStatus } from "../workers/worker-status";
import { SECRET_REJECTED_CODES } from "../apps/secret-health";

export async function getOverview(opts: { workspaceId: string; scope: Pick<TScope, "hasAllTenants" | "tenantIds"> }) {
  const ws = opts.workspaceId;
  const tf = tenantIdIn(opts.scope);
  const soon = new Date(Date.now() + 30 * 86_400_000);
  const [tenants, byState, apps, secretsExpiringSoon, workers, recentEvents, outbound, webhookFailures] = await Promise.all([
    db().tenant.count({ where: { workspaceId: ws, id: tf } }),
    db().mailbox.groupBy({ by: ["state"], where: { workspaceId: ws, tenantId: tf }, _count: { _all: true } }),
    db().appRegistration.count({ where: { workspaceId: ws, ...(tf ? { tenantId: tf } : {}) } }),
    db().appSecret.count({
      where: {
        workspaceId: ws,
        status: { in: ["active", "pending"] },
        expiresAt: { lte: soon },
        ...(tf ? { appRegistration: { tenantId: tf } } : {}),
      },
    }),
    workerStatus(),
    db().event.findMany({
      where: { workspaceId: ws, ...(tf ? { tenantId: tf } : {}) },
      orderBy: { createdAt: "desc" },
      take: 10,
      select: { id: true, level: true, code: true, message: true, createdAt: true },
    }),
    db().outboundMessage.groupBy({
      by: ["status"],
      where: { workspaceId: ws, tenantId: tf, status: { in: ["queued", "sending", "failed"] } },
      _count: { _all: true },
    }),
    // Webhooks are workspace-wide settings: only staff who see every tenant see their failures.
    tf
      ? 0
      : db().webhookDelivery.count({
          where: { workspaceId: ws, status: "failed", createdAt: { gte: new Date(Date.now() - 7 * 86_400_000) } },
        }),
  ]);
  // Apps whose secret Microsoft rejected at the last verify, not already counted by their date.
  const secretsRejected = await db().appRegistration.count({
    where: {
      workspaceId: ws,
      lastVerifyCode: { in: [...SECRET_REJECTED_CODES] },
      secrets: { none: { status: { in: ["active", "pending"] }, expiresAt: { lte: soon } } },
      ...(tf ? { tenantId: tf } : {}),
    },
  });
  const out = (s: string) => outbound.find((o) => o.status === s)?._count._all ?? 0;
  const count = (s: string) => byState.find((b) => b.state === s)?._count._all ?? 0;
  return {
    tenants,
    mailboxes: {
      total: byState.reduce((n, b) => n + b._count._all, 0),
      connected: count("connected"),
      failing: count("failing") + count("degraded"),
      needsReconsent: count("needs_reconsent"),
    },
    apps,
    secretsExpiringSoon,
    secretsRejected,
    workers,
    recentEvents,
    outbound: { pending: out("queued") + out("sending"), failed: out("failed") },
    webhookFailuresLast7Days: webhookFailures,
  };
}
