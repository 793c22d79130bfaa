import "server-only";
// One page of the mailboxes a caller may see, for the Health page (`GET /api/mailboxes`): filtered,
// sorted and paged in PostgreSQL, with the count per state of everything the other filters match
// (one grouped count). Every sort is served by an index on Mailbox (migration 20261130150600):
// the default "failing first" order reads each state's slice of (workspaceId, state, address, id)
// in severity order and skips whole states using the counts, so no page sorts the whole workspace.
import { z } from "zod";
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { notFound } from "../core/errors";
import { scopeWhere, type TWorkspaceScope } from "../core/scope";
import { healthRows, healthRowSelect, SEVERITY } from "./list-all-mailboxes";

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
  const q = query.q ? likeLiteral(query.q) : "";
  const base: Prisma.MailboxWhereInput = {
    ...scopeWhere(scope),
    AND: [
      query.tenantId ? { tenantId: query.tenantId } : {},
      query.kind ? { kind: query.kind } : {},
      query.protocol === "imap" || query.protocol === "pop"
        ? { inbound: query.protocol }
        : query.protocol === "smtp"
          ? { outbound: "smtp" }
          : query.protocol === "graph"
            ? { OR: [{ inbound: "graph" }, { outbound: "graph" }] }
            : {},
      q
        ? {
            OR: [
              { address: { contains: q, mode: "insensitive" } },
              { signInName: { contains: q, mode: "insensitive" } },
              { tenant: { displayName: { contains: q, mode: "insensitive" } } },
            ],
          }
        : {},
    ],
  };
  // The states this view shows, and the count of each among everything the other filters match.
  const wanted = new Set<TState>(
    MAILBOX_STATES.filter(
      (s) => (!query.state || s === query.state) && (!query.attention || (ATTENTION_STATES as readonly string[]).includes(s)),
    ),
  );
  const grouped = await d.mailbox.groupBy({ by: ["state"], where: base, _count: { _all: true } });
  const counts = Object.fromEntries(MAILBOX_STATES.map((s) => [s, 0])) as Record<TState, number>;
  for (const g of grouped) counts[g.state] = g._count._all;
  const total = [...wanted].reduce((n, s) => n + counts[s], 0);

  const offset = (query.page - 1) * query.limit;
  const where: Prisma.MailboxWhereInput = { AND: [base, { state: { in: [...wanted] } }] };
  let rows: Prisma.MailboxGetPayload<{ select: typeof healthRowSelect }>[] = [];
  if (offset < total) {
    if (query.sort === "severity") {
      // State by state in severity order, skipping the states the offset passes over entirely.
      const order = query.dir === "asc" ? [...SEVERITY] : [...SEVERITY].reverse();
      let skip = offset;
      for (const s of order) {
        if (!wanted.has(s) || rows.length >= query.limit) continue;
        if (skip >= counts[s]) {
          skip -= counts[s];
          continue;
        }
        rows = rows.concat(
          await d.mailbox.findMany({
            where: { AND: [base, { state: s }] },
            orderBy: [{ address: "asc" }, { id: "asc" }],
            skip,
            take: query.limit - rows.length,
            select: healthRowSelect,
          }),
        );
        skip = 0;
      }
    } else {
      const dir = query.dir;
      const orderBy: Prisma.MailboxOrderByWithRelationInput[] =
        query.sort === "address"
          ? [{ address: dir }, { id: dir }]
          : query.sort === "tenant"
            ? [{ tenant: { displayName: dir } }, { address: "asc" }, { id: "asc" }]
            : [{ lastSyncAt: dir }, { id: dir }];
      rows = await d.mailbox.findMany({ where, orderBy, skip: offset, take: query.limit, select: healthRowSelect });
    }
  }
  const items = await healthRows(scope.workspaceId, rows);
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
