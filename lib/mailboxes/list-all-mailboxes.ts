import "server-only";
// Every mailbox the caller may see, across tenants, for the Health page.
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { tenantIdIn } from "../core/scope";
import type { TScope } from "../auth/session";

export const SEVERITY = ["needs_reconsent", "failing", "degraded", "pending_consent", "connected", "disabled"] as const;

export async function listAllMailboxes(opts: { workspaceId: string; scope: Pick<TScope, "hasAllTenants" | "tenantIds"> }) {
  const rows = await db().mailbox.findMany({
    where: { workspaceId: opts.workspaceId, tenantId: tenantIdIn(opts.scope) },
    orderBy: [{ state: "asc" }, { address: "asc" }],
    select: healthRowSelect,
  });
  // Failing first: what needs a person, then what's broken, then what's waiting, then what works.
  const rank = (st: string) => SEVERITY.indexOf(st as (typeof SEVERITY)[number]);
  return (await healthRows(opts.workspaceId, rows)).sort((a, b) => rank(a.state) - rank(b.state) || a.address.localeCompare(b.address));
}

/** What a health row reads (the list above and the paged list in mailbox-page.ts). */
export const healthRowSelect = {
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
      secrets: { where: { status: "active" as const }, select: { last4: true, expiresAt: true }, take: 1 },
    },
  },
} satisfies Prisma.MailboxSelect;

type THealthSelected = Prisma.MailboxGetPayload<{ select: typeof healthRowSelect }>;

/** Rows as the Health page shows them: the tenant's name, the newest connection test, the app's secret. */
export async function healthRows(workspaceId: string, rows: THealthSelected[]) {
  const checks = await lastChecks(
    workspaceId,
    rows.map((r) => r.id),
  );
  return rows.map(({ tenant, appRegistration: app, ...m }) => ({
    ...m,
    tenantName: tenant.displayName,
    checks: checks.get(m.id) ?? null,
    app: app ? { lastVerifyCode: app.lastVerifyCode, activeSecret: app.secrets.at(0) ?? null } : null,
  }));
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
