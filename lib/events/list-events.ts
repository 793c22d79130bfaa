import "server-only";
// The event log support reads: every mailbox's and tenant's log lines in one place, filtered by
// minimum level, tenant, mailbox, code and text, paged by cursor, plus a per-day trend.
import { z } from "zod";
import { ZDateParam } from "../core/zod-fields";
import { db, Prisma } from "../db/client";
import { notFound } from "../core/errors";
import { sharedTenantWhere, tenantScopeSql } from "../core/scope";
import { canAccessTenant } from "../auth/guard";
import type { TScope } from "../auth/session";

export const EVENT_LEVELS = ["debug", "info", "warn", "error"] as const;
export type TEventLevel = (typeof EVENT_LEVELS)[number];

export const ZEventQuery = z.object({
  /** Minimum level: "warn" shows warnings and errors, like a logger's level. */
  level: z.enum(EVENT_LEVELS).optional(),
  tenantId: z.string().uuid().optional(),
  mailboxId: z.string().uuid().optional(),
  code: z.string().trim().max(100).optional(),
  q: z.string().trim().max(200).optional(),
  from: ZDateParam.optional(),
  to: ZDateParam.optional(),
  cursor: z.string().uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type TEventQuery = z.infer<typeof ZEventQuery>;

type TScopeLike = Pick<TScope, "workspaceId" | "hasAllTenants" | "tenantIds">;

export const levelsAtLeast = (min: TEventLevel | undefined): TEventLevel[] =>
  min ? EVENT_LEVELS.slice(EVENT_LEVELS.indexOf(min)) : [...EVENT_LEVELS];

/** Day bounds: a bare date "to" means the whole of that day. */
function dateRange(from?: string, to?: string) {
  if (!from && !to) return undefined;
  const end = to ? new Date(to) : undefined;
  if (end && to && /^\d{4}-\d{2}-\d{2}$/.test(to)) end.setUTCDate(end.getUTCDate() + 1);
  return { ...(from ? { gte: new Date(from) } : {}), ...(end ? { lt: end } : {}) };
}

/** Tenant and mailbox filters a caller may not see answer like missing ones. */
async function assertFilterTargets(scope: TScopeLike, q: Pick<TEventQuery, "tenantId" | "mailboxId">) {
  if (q.tenantId) {
    const t =
      canAccessTenant(scope, q.tenantId) &&
      (await db().tenant.findFirst({ where: { id: q.tenantId, workspaceId: scope.workspaceId }, select: { id: true } }));
    if (!t) throw notFound("Tenant");
  }
  if (q.mailboxId) {
    const m = await db().mailbox.findFirst({
      where: { id: q.mailboxId, workspaceId: scope.workspaceId, ...(q.tenantId ? { tenantId: q.tenantId } : {}) },
      select: { tenantId: true },
    });
    if (!m || !canAccessTenant(scope, m.tenantId)) throw notFound("Mailbox");
  }
}

export function eventWhere(scope: TScopeLike, q: Omit<TEventQuery, "cursor" | "limit">) {
  // Workspace-level lines (no tenant) are visible to everyone in the workspace, like the audit log.
  const tenantScope = sharedTenantWhere(scope);
  const range = dateRange(q.from, q.to);
  return {
    workspaceId: scope.workspaceId,
    ...tenantScope,
    ...(q.level ? { level: { in: levelsAtLeast(q.level) } } : {}),
    ...(q.tenantId ? { tenantId: q.tenantId } : {}),
    ...(q.mailboxId ? { mailboxId: q.mailboxId } : {}),
    ...(q.code ? { code: { contains: q.code, mode: "insensitive" as const } } : {}),
    ...(q.q ? { message: { contains: q.q, mode: "insensitive" as const } } : {}),
    ...(range ? { createdAt: range } : {}),
  };
}

export async function listEvents(scope: TScopeLike, q: TEventQuery) {
  await assertFilterTargets(scope, q);
  const rows = await db().event.findMany({
    where: eventWhere(scope, q),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
    ...(q.cursor ? { cursor: { id: q.cursor }, skip: 1 } : {}),
    select: {
      id: true,
      level: true,
      code: true,
      message: true,
      detail: true,
      createdAt: true,
      tenantId: true,
      mailboxId: true,
      mailbox: { select: { address: true } },
    },
  });
  const hasMore = rows.length > q.limit;
  const page = rows.slice(0, q.limit);
  const tenantIds = [...new Set(page.map((r) => r.tenantId).filter((x): x is string => !!x))];
  const tenants = tenantIds.length
    ? await db().tenant.findMany({
        where: { id: { in: tenantIds }, workspaceId: scope.workspaceId },
        select: { id: true, displayName: true },
      })
    : [];
  const names = new Map(tenants.map((t) => [t.id, t.displayName]));
  const events = page.map(({ mailbox, ...e }) => ({
    ...e,
    tenantName: e.tenantId ? (names.get(e.tenantId) ?? null) : null,
    mailboxAddress: mailbox?.address ?? null,
  }));
  return { events, nextCursor: hasMore ? page[page.length - 1].id : null };
}

export type TTrendDay = { day: string } & Record<TEventLevel, number>;

/** Events per UTC day and level over the last `days` days (oldest first, zero-filled). */
export async function eventTrend(scope: TScopeLike, q: Pick<TEventQuery, "tenantId" | "mailboxId">, days = 14): Promise<TTrendDay[]> {
  await assertFilterTargets(scope, q);
  const start = new Date();
  start.setUTCHours(0, 0, 0, 0);
  start.setUTCDate(start.getUTCDate() - (days - 1));
  const conds = [Prisma.sql`"workspaceId" = ${scope.workspaceId}`, Prisma.sql`"createdAt" >= ${start}`];
  const inScope = tenantScopeSql(scope, `"tenantId"`, { withShared: true });
  if (inScope) conds.push(inScope);
  if (q.tenantId) conds.push(Prisma.sql`"tenantId" = ${q.tenantId}`);
  if (q.mailboxId) conds.push(Prisma.sql`"mailboxId" = ${q.mailboxId}`);
  const groups = await db().$queryRaw<{ day: string; level: TEventLevel; n: number }[]>`
    SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS day, "level"::text AS level, count(*)::int AS n
    FROM "Event" WHERE ${Prisma.join(conds, " AND ")} GROUP BY 1, 2`;
  const out = new Map<string, TTrendDay>();
  for (let i = 0; i < days; i++) {
    const d = new Date(start.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    out.set(d, { day: d, debug: 0, info: 0, warn: 0, error: 0 });
  }
  for (const g of groups) {
    const row = out.get(g.day);
    if (row) row[g.level] += g.n;
  }
  return [...out.values()];
}
