import "server-only";
// Mailbox health over time, replayed from the state history the database keeps (one row per
// change): per day, how many mailboxes ended the day in each state, how many broke and how many
// recovered. Only mailboxes that still exist and that the caller may see count.
import { db, Prisma } from "../db/client";
import { canAccessTenant } from "../auth/guard";
import type { TScope } from "../auth/session";
import { notFound } from "../core/errors";
import { tenantScopeSql } from "../core/scope";

type TState = "pending_consent" | "connected" | "degraded" | "failing" | "needs_reconsent" | "disabled";
export type THealthDay = {
  day: string;
  connected: number;
  attention: number;
  needsReconsent: number;
  pending: number;
  broke: number;
  recovered: number;
};

const BAD: TState[] = ["degraded", "failing", "needs_reconsent"];
const DAY = 86_400_000;

export async function healthTrend(
  scope: Pick<TScope, "workspaceId" | "hasAllTenants" | "tenantIds">,
  opts: { days?: number; tenantId?: string; now?: Date } = {},
): Promise<THealthDay[]> {
  const days = opts.days ?? 30;
  if (
    opts.tenantId &&
    !(
      canAccessTenant(scope, opts.tenantId) &&
      (await db().tenant.findFirst({ where: { id: opts.tenantId, workspaceId: scope.workspaceId }, select: { id: true } }))
    )
  )
    throw notFound("Tenant");
  const now = opts.now ?? new Date();
  const start = new Date(now);
  start.setUTCHours(0, 0, 0, 0);
  start.setUTCDate(start.getUTCDate() - (days - 1));
  const conds = [Prisma.sql`c."workspaceId" = ${scope.workspaceId}`];
  const inScope = tenantScopeSql(scope, `c."tenantId"`);
  if (inScope) conds.push(inScope);
  if (opts.tenantId) conds.push(Prisma.sql`c."tenantId" = ${opts.tenantId}`);
  const where = Prisma.join(conds, " AND ");
  const [initial, changes] = await Promise.all([
    db().$queryRaw<{ mailboxId: string; toState: TState }[]>`
      SELECT DISTINCT ON (c."mailboxId") c."mailboxId", c."toState"::text AS "toState"
      FROM "MailboxStateChange" c JOIN "Mailbox" m ON m."id" = c."mailboxId"
      WHERE ${where} AND c."createdAt" < ${start}
      ORDER BY c."mailboxId", c."createdAt" DESC`,
    db().$queryRaw<{ mailboxId: string; fromState: TState | null; toState: TState; createdAt: Date }[]>`
      SELECT c."mailboxId", c."fromState"::text AS "fromState", c."toState"::text AS "toState", c."createdAt"
      FROM "MailboxStateChange" c JOIN "Mailbox" m ON m."id" = c."mailboxId"
      WHERE ${where} AND c."createdAt" >= ${start} AND c."createdAt" <= ${now}
      ORDER BY c."createdAt" ASC`,
  ]);
  const state = new Map(initial.map((r) => [r.mailboxId, r.toState]));
  const out: THealthDay[] = [];
  let i = 0;
  for (let d = 0; d < days; d++) {
    const dayStart = start.getTime() + d * DAY;
    const end = dayStart + DAY;
    let broke = 0;
    let recovered = 0;
    for (; i < changes.length && changes[i].createdAt.getTime() < end; i++) {
      const c = changes[i];
      const was = c.fromState ?? state.get(c.mailboxId) ?? null;
      if (BAD.includes(c.toState) && !(was && BAD.includes(was))) broke++;
      if (c.toState === "connected" && was && BAD.includes(was)) recovered++;
      state.set(c.mailboxId, c.toState);
    }
    const count = (pred: (s: TState) => boolean) => [...state.values()].filter(pred).length;
    out.push({
      day: new Date(dayStart).toISOString().slice(0, 10),
      connected: count((s) => s === "connected"),
      attention: count((s) => s === "degraded" || s === "failing"),
      needsReconsent: count((s) => s === "needs_reconsent"),
      pending: count((s) => s === "pending_consent"),
      broke,
      recovered,
    });
  }
  return out;
}
