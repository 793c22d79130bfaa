import "server-only";
// Every mailbox the caller may see, across tenants, for the Health page.
import { db } from "../db/client";
import { tenantIdIn } from "../core/scope";
import type { TScope } from "../auth/session";

const SEVERITY = ["needs_reconsent", "failing", "degraded", "pending_consent", "connected", "disabled"];

export async function listAllMailboxes(opts: { workspaceId: string; scope: Pick<TScope, "hasAllTenants" | "tenantIds"> }) {
  const rows = await db().mailbox.findMany({
    where: { workspaceId: opts.workspaceId, tenantId: tenantIdIn(opts.scope) },
    orderBy: [{ state: "asc" }, { address: "asc" }],
    select: {
      id: true,
      tenantId: true,
      address: true,
      kind: true,
      inbound: true,
      outbound: true,
      state: true,
      stateCode: true,
      lastSyncAt: true,
      tenant: { select: { displayName: true } },
      grant: { select: { upn: true, lastRefreshAt: true, refreshTokenIssuedAt: true, refreshFailures: true, lastErrorCode: true } },
      // The app's secret, for the health matrix's secret column (never its value).
      appRegistration: {
        select: {
          lastVerifyCode: true,
          secrets: { where: { status: "active" }, select: { last4: true, expiresAt: true }, take: 1 },
        },
      },
    },
  });
  const checks = await lastChecks(
    opts.workspaceId,
    rows.map((r) => r.id),
  );
  // Failing first: what needs a person, then what's broken, then what's waiting, then what works.
  const rank = (st: string) => SEVERITY.indexOf(st);
  return rows
    .map(({ tenant, appRegistration: app, ...m }) => ({
      ...m,
      tenantName: tenant.displayName,
      checks: checks.get(m.id) ?? null,
      app: app ? { lastVerifyCode: app.lastVerifyCode, activeSecret: app.secrets[0] ?? null } : null,
    }))
    .sort((a, b) => rank(a.state) - rank(b.state) || a.address.localeCompare(b.address));
}

type TCheck = { step: string; protocol: string; ok: boolean; code: string | null };

/** Each mailbox's newest connection test, reduced to pass/fail per step (the health matrix). */
async function lastChecks(workspaceId: string, mailboxIds: string[]): Promise<Map<string, { at: string; steps: TCheck[] }>> {
  if (mailboxIds.length === 0) return new Map();
  const rows = await db().$queryRaw<
    { mailboxId: string; detail: { at: string; steps: { step: string; protocol: string; ok: boolean; diagnosis?: { code: string } }[] } }[]
  >`
    SELECT DISTINCT ON ("mailboxId") "mailboxId", "detail" FROM "Event"
    WHERE "workspaceId" = ${workspaceId} AND "mailboxId" = ANY(${mailboxIds}::text[]) AND "code" IN ('connection_test_passed', 'connection_test_failed')
    ORDER BY "mailboxId", "createdAt" DESC`;
  return new Map(
    rows.map((r) => [
      r.mailboxId,
      {
        at: r.detail.at,
        steps: r.detail.steps.map((s) => ({ step: s.step, protocol: s.protocol, ok: s.ok, code: s.diagnosis?.code ?? null })),
      },
    ]),
  );
}
