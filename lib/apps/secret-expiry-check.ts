import "server-only";
// Secret-expiry early warnings: when an active secret crosses 30, 14, 7 or 1 days (or expires),
// record one event (a `secret_expiring` diagnosis) and one audit entry per threshold.
// Idempotent, so any number of workers may run it.
import { db } from "../db/client";
import { sharedTenantWhere } from "../core/scope";
import { secretExpiryStatus } from "../microsoft/secret-expiry";
import { env } from "../env";
import { queueAlert } from "../notify/alerts";

export async function checkSecretExpiry(now = new Date()): Promise<number> {
  const soon = new Date(now.getTime() + 31 * 86_400_000);
  const secrets = await db().appSecret.findMany({
    where: { status: "active", expiresAt: { lte: soon } },
    select: {
      id: true,
      workspaceId: true,
      last4: true,
      expiresAt: true,
      appRegistration: { select: { id: true, displayName: true, clientId: true, tenantId: true } },
    },
  });
  let recorded = 0;
  for (const s of secrets) {
    const st = secretExpiryStatus(s.expiresAt, now);
    const mark = st.level === "expired" ? "expired" : st.threshold ? String(st.threshold) : null;
    if (!mark) continue;
    const key = `secret_expiring:${s.id}:${mark}`;
    const seen = await db().event.findFirst({
      where: {
        workspaceId: s.workspaceId,
        code: st.level === "expired" ? "secret_expired" : "secret_expiring",
        detail: { path: ["key"], equals: key },
      },
      select: { id: true },
    });
    if (seen) continue;
    const app = s.appRegistration;
    const message =
      st.level === "expired"
        ? `The client secret …${s.last4} of "${app.displayName}" has expired.`
        : `The client secret …${s.last4} of "${app.displayName}" expires in ${st.daysLeft} day${st.daysLeft === 1 ? "" : "s"} (${s.expiresAt.toISOString().slice(0, 10)}).`;
    await db().$transaction(async (tx) => {
      await tx.event.create({
        data: {
          workspaceId: s.workspaceId,
          tenantId: app.tenantId,
          level: st.level === "expired" || st.level === "critical" ? "error" : "warn",
          code: st.level === "expired" ? "secret_expired" : "secret_expiring",
          message,
          detail: { key, appId: app.id, secretId: s.id, daysLeft: st.daysLeft, threshold: st.threshold },
        },
      });
      await tx.auditEntry.create({
        data: {
          workspaceId: s.workspaceId,
          actorEmail: "system",
          action: "app.secret_expiry_warning",
          targetType: "app",
          targetId: app.id,
          tenantId: app.tenantId,
          detail: { daysLeft: st.daysLeft, last4: s.last4 },
        },
      });
    });
    // And by email (journey 5), from the notifier mailbox when one is set.
    const base = env().CONSENTRY_PUBLIC_URL.replace(/\/$/, "");
    const appUrl = app.tenantId ? `${base}/tenants/${app.tenantId}/apps/${app.id}` : `${base}/tenants`;
    await queueAlert(
      s.workspaceId,
      "secret",
      st.level === "expired"
        ? `Consentry: the secret of "${app.displayName}" has expired`
        : `Consentry: the secret of "${app.displayName}" expires in ${st.daysLeft} day${st.daysLeft === 1 ? "" : "s"}`,
      `${message}\n\nEvery mailbox on this app stops refreshing its tokens when it expires. Create a new secret in Azure (App registrations → ${app.displayName} → Certificates & secrets → New client secret), then use Rotate secret in Consentry, which verifies it before switching:\n${appUrl}\n\nYou get this because you are set as an alert recipient in Consentry (Settings → Notifications).`,
    ).catch(() => false);
    recorded += 1;
  }
  return recorded;
}

/** For the banner and overview: active secrets inside the 30-day window, soonest first. */
export async function expiringSecrets(opts: { workspaceId: string; tenantIds?: string[] | null; now?: Date }) {
  const now = opts.now ?? new Date();
  const rows = await db().appSecret.findMany({
    where: {
      workspaceId: opts.workspaceId,
      status: "active",
      expiresAt: { lte: new Date(now.getTime() + 30 * 86_400_000) },
      ...(opts.tenantIds ? { appRegistration: sharedTenantWhere({ hasAllTenants: false, tenantIds: opts.tenantIds }) } : {}),
    },
    orderBy: { expiresAt: "asc" },
    select: { last4: true, expiresAt: true, appRegistration: { select: { id: true, displayName: true, tenantId: true } } },
  });
  return rows.map((r) => ({
    appId: r.appRegistration.id,
    appName: r.appRegistration.displayName,
    tenantId: r.appRegistration.tenantId,
    last4: r.last4,
    expiresAt: r.expiresAt,
    ...secretExpiryStatus(r.expiresAt, now),
  }));
}
