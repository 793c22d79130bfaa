import "server-only";
// One page of the mailboxes a caller may see, for the Health page (`GET /api/mailboxes`): filtered,
// sorted and paged in PostgreSQL, with the count per state of everything the other filters match
// (one grouped count). Every sort is served by an index on Mailbox (migration 20261130150600):
// the default "failing first" order reads each state's slice of (workspaceId, state, address, id)
// in severity order and skips whole states using the counts, so no page sorts the whole workspace.
// Two statements a page (plus one per further state a page spans): the grouped count, and the
// page with its tenant, grant, app secret and newest connection test joined in (the same row
// listAllMailboxes builds with seven Prisma queries; Prisma's per-query overhead dominated here).
import { z } from "zod";
import { db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { notFound } from "../core/errors";
import { tenantScopeSql, type TWorkspaceScope } from "../core/scope";
import { SEVERITY } from "./list-all-mailboxes";

export const MAILBOX_STATES = ["pending_consent", "connected", "degraded", "failing", "needs_reconsent", "disabled"] as const;
/** "Needs attention": a person has to act, or it is broken. */
export const ATTENTION_STATES = ["needs_reconsent", "failing", "degraded"] as const;
export const MAILBOX_SORTS = ["severity", "address", "tenant", "lastSync"] as const;
export const MAX_PAGE_SIZE = 200;

const ZFlag = z.enum(["1", "true", "0", "false"]).transform((v) => v === "1" || v === "true");

export const ZMailboxPageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  sort: z.enum(MAILBOX_SORTS).default("severity"),
  dir: z.enum(["asc", "desc"]).default("asc"),
  state: z.enum(MAILBOX_STATES).optional(),
  attention: ZFlag.optional(),
  tenantId: z.string().uuid().optional(),
  kind: z.enum(["user", "shared"]).optional(),
  protocol: z.enum(["imap", "pop", "graph", "smtp"]).optional(),
  q: z.string().trim().max(200).optional(),
});
export type TMailboxPageQuery = z.infer<typeof ZMailboxPageQuery>;

type TState = (typeof MAILBOX_STATES)[number];

/** `%`, `_` and `\` in a search are themselves, not LIKE wildcards. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

type TRow = {
  id: string;
  tenantId: string;
  address: string;
  kind: "user" | "shared";
  inbound: "imap" | "pop" | "graph" | "none";
  outbound: "smtp" | "graph" | "none";
  state: TState;
  stateCode: string | null;
  lastSyncAt: Date | null;
  tenantName: string;
  grantId: string | null;
  upn: string;
  lastRefreshAt: Date | null;
  refreshTokenIssuedAt: Date;
  refreshFailures: number;
  lastErrorCode: string | null;
  appId: string | null;
  lastVerifyCode: string | null;
  last4: string | null;
  expiresAt: Date;
  test: { at: string; steps: { step: string; protocol: string; ok: boolean; diagnosis?: { code: string } }[] } | null;
};

const page = (where: Prisma.Sql, orderBy: Prisma.Sql, limit: number, offset: number) => Prisma.sql`
  WITH p AS (
    SELECT m."id", m."tenantId", m."address", m."kind"::text AS "kind", m."inbound"::text AS "inbound",
           m."outbound"::text AS "outbound", m."state"::text AS "state", m."stateCode", m."lastSyncAt",
           m."appRegistrationId", t."displayName" AS "tenantName", m."workspaceId"
    FROM "Mailbox" m JOIN "Tenant" t ON t."id" = m."tenantId"
    WHERE ${where}
    ORDER BY ${orderBy}
    LIMIT ${limit} OFFSET ${offset}
  )
  SELECT m."id", m."tenantId", m."address", m."kind", m."inbound", m."outbound", m."state", m."stateCode", m."lastSyncAt", m."tenantName",
    g."id" AS "grantId", g."upn", g."lastRefreshAt", g."refreshTokenIssuedAt", g."refreshFailures", g."lastErrorCode",
    a."id" AS "appId", a."lastVerifyCode", s."last4", s."expiresAt",
    e."detail" AS "test"
  FROM p m
  LEFT JOIN "Grant" g ON g."mailboxId" = m."id"
  LEFT JOIN "AppRegistration" a ON a."id" = m."appRegistrationId"
  LEFT JOIN LATERAL (SELECT x."last4", x."expiresAt" FROM "AppSecret" x
    WHERE x."appRegistrationId" = a."id" AND x."status" = 'active' ORDER BY x."id" LIMIT 1) s ON TRUE
  LEFT JOIN LATERAL (SELECT v."detail" FROM "Event" v
    WHERE v."mailboxId" = m."id" AND v."workspaceId" = m."workspaceId" AND v."code" IN ('connection_test_passed', 'connection_test_failed')
    ORDER BY v."createdAt" DESC LIMIT 1) e ON TRUE
  ORDER BY ${orderBy}`;

const ORDER: Record<Exclude<TMailboxPageQuery["sort"], "severity">, Record<"asc" | "desc", Prisma.Sql>> = {
  address: { asc: Prisma.raw(`"address" ASC, "id" ASC`), desc: Prisma.raw(`"address" DESC, "id" DESC`) },
  tenant: { asc: Prisma.raw(`"tenantName" ASC, "address" ASC, "id" ASC`), desc: Prisma.raw(`"tenantName" DESC, "address" ASC, "id" ASC`) },
  lastSync: { asc: Prisma.raw(`"lastSyncAt" ASC, "id" ASC`), desc: Prisma.raw(`"lastSyncAt" DESC, "id" DESC`) },
};

export async function pageMailboxes(scope: TWorkspaceScope, query: TMailboxPageQuery) {
  const d = db();
  // A tenant filter outside the caller's reach (or another workspace's, or none) is not found,
  // checked first so a filter can never widen what the scope sees.
  if (query.tenantId) {
    const allowed = scope.hasAllTenants || scope.tenantIds.includes(query.tenantId);
    const t =
      allowed && (await d.tenant.findFirst({ where: { id: query.tenantId, workspaceId: scope.workspaceId }, select: { id: true } }));
    if (!t) throw notFound("Tenant");
  }
  const pattern = query.q ? `%${likeLiteral(query.q)}%` : null;
  const conds: Prisma.Sql[] = [Prisma.sql`m."workspaceId" = ${scope.workspaceId}`];
  const inScope = tenantScopeSql(scope, `m."tenantId"`);
  if (inScope) conds.push(inScope);
  if (query.tenantId) conds.push(Prisma.sql`m."tenantId" = ${query.tenantId}`);
  if (query.kind) conds.push(Prisma.sql`m."kind" = ${query.kind}::"MailboxKind"`);
  if (query.protocol === "imap" || query.protocol === "pop") conds.push(Prisma.sql`m."inbound" = ${query.protocol}::"InboundProtocol"`);
  if (query.protocol === "smtp") conds.push(Prisma.sql`m."outbound" = 'smtp'`);
  if (query.protocol === "graph") conds.push(Prisma.sql`(m."inbound" = 'graph' OR m."outbound" = 'graph')`);
  if (pattern)
    conds.push(Prisma.sql`(m."address" ILIKE ${pattern} OR m."signInName" ILIKE ${pattern}
      OR EXISTS (SELECT 1 FROM "Tenant" st WHERE st."id" = m."tenantId" AND st."displayName" ILIKE ${pattern}))`);
  const base = Prisma.join(conds, " AND ");

  // The states this view shows, and the count of each among everything the other filters match.
  const wanted = MAILBOX_STATES.filter(
    (s) => (!query.state || s === query.state) && (!query.attention || (ATTENTION_STATES as readonly string[]).includes(s)),
  );
  const grouped = await d.$queryRaw<{ state: TState; n: number }[]>`
    SELECT m."state"::text AS "state", count(*)::int AS "n" FROM "Mailbox" m WHERE ${base} GROUP BY m."state"`;
  const counts = Object.fromEntries(MAILBOX_STATES.map((s) => [s, 0])) as Record<TState, number>;
  for (const g of grouped) counts[g.state] = g.n;
  const total = wanted.reduce((n, s) => n + counts[s], 0);

  const offset = (query.page - 1) * query.limit;
  let rows: TRow[] = [];
  if (offset < total) {
    if (query.sort === "severity") {
      // State by state in severity order, skipping the states the offset passes over entirely.
      const order = query.dir === "asc" ? [...SEVERITY] : [...SEVERITY].reverse();
      let skip = offset;
      for (const s of order) {
        if (!wanted.includes(s) || rows.length >= query.limit) continue;
        if (skip >= counts[s]) {
          skip -= counts[s];
          continue;
        }
        const where = Prisma.sql`${base} AND m."state" = ${s}::"MailboxState"`;
        rows = rows.concat(await d.$queryRaw<TRow[]>(page(where, ORDER.address.asc, query.limit - rows.length, skip)));
        skip = 0;
      }
    } else {
      const where = wanted.length === MAILBOX_STATES.length ? base : Prisma.sql`${base} AND m."state" = ANY(${wanted}::"MailboxState"[])`;
      rows = await d.$queryRaw<TRow[]>(page(where, ORDER[query.sort][query.dir], query.limit, offset));
    }
  }
  // The same row as listAllMailboxes's (lib/mailboxes/list-all-mailboxes.ts), key for key.
  const items = rows.map((r) => ({
    id: r.id,
    tenantId: r.tenantId,
    address: r.address,
    kind: r.kind,
    inbound: r.inbound,
    outbound: r.outbound,
    state: r.state,
    stateCode: r.stateCode,
    lastSyncAt: r.lastSyncAt,
    grant: r.grantId
      ? {
          upn: r.upn,
          lastRefreshAt: r.lastRefreshAt,
          refreshTokenIssuedAt: r.refreshTokenIssuedAt,
          refreshFailures: r.refreshFailures,
          lastErrorCode: r.lastErrorCode,
        }
      : null,
    tenantName: r.tenantName,
    checks: r.test
      ? {
          at: r.test.at,
          steps: r.test.steps.map((s) => ({ step: s.step, protocol: s.protocol, ok: s.ok, code: s.diagnosis?.code ?? null })),
        }
      : null,
    app: r.appId ? { lastVerifyCode: r.lastVerifyCode, activeSecret: r.last4 ? { last4: r.last4, expiresAt: r.expiresAt } : null } : null,
  }));
  const pages = Math.max(1, Math.ceil(total / query.limit));
  return {
    items,
    total,
    counts,
    page: query.page,
    pageSize: query.limit,
    pages,
    nextPage: query.page < pages ? query.page + 1 : null,
  };
}
