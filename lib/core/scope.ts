// The one place that knows tenant scoping (documenso's buildTeamWhereQuery is the model): the
// references every tenant-owned call takes, the Prisma `where` builders for a resolved scope
// (a staff member's or an API key's: both carry a workspace and either all its tenants or a list),
// the same rule as a raw SQL fragment, and the mailbox states the workers sync.
// Pure (no database access), so it is unit-tested on its own.
import { Prisma } from "../db/generated/client";

/** A tenant-owned row is addressed by its workspace and tenant, never by id alone. */
export type TTenantRef = { workspaceId: string; tenantId: string };
export type TMailboxRef = TTenantRef & { mailboxId: string };

/** What a where-builder needs from a resolved scope (staff `TScope` and API-key `TApiScope` both fit). */
export type TTenantScope = { hasAllTenants: boolean; tenantIds: string[] };
export type TWorkspaceScope = TTenantScope & { workspaceId: string };

/** The `tenantId` (or tenant `id`) condition for a scope: undefined when it sees every tenant. */
export function tenantIdIn(scope: TTenantScope): { in: string[] } | undefined {
  return scope.hasAllTenants ? undefined : { in: scope.tenantIds };
}

/** Rows that always belong to a tenant (mailboxes, messages, outbound mail, tenants' children). */
export function tenantWhere(scope: TTenantScope): { tenantId?: { in: string[] } } {
  return scope.hasAllTenants ? {} : { tenantId: { in: scope.tenantIds } };
}

/** The workspace plus `tenantWhere`: the whole `where` for a tenant-owned table. */
export function scopeWhere(scope: TWorkspaceScope): { workspaceId: string; tenantId?: { in: string[] } } {
  return { workspaceId: scope.workspaceId, ...tenantWhere(scope) };
}

/**
 * Rows whose tenant may be null (events, audit lines, multi-tenant MSP apps): the workspace-level
 * ones carry no customer data, so every scope in the workspace sees them.
 */
export function sharedTenantWhere(scope: TTenantScope): { OR?: [{ tenantId: null }, { tenantId: { in: string[] } }] } {
  return scope.hasAllTenants ? {} : { OR: [{ tenantId: null }, { tenantId: { in: scope.tenantIds } }] };
}

/**
 * Audit lines: a limited scope sees its tenants' lines and only the workspace-level lines it wrote
 * itself (workspace settings, staff and keys of others are not its business).
 */
export function auditScopeWhere(scope: TTenantScope & { staffUserId: string }): {
  OR?: [{ tenantId: null; actorId: string }, { tenantId: { in: string[] } }];
} {
  return scope.hasAllTenants ? {} : { OR: [{ tenantId: null, actorId: scope.staffUserId }, { tenantId: { in: scope.tenantIds } }] };
}

/** A row usable inside one tenant: that tenant's own, or a workspace-level one (tenantId null). */
export function forTenantWhere(tenantId: string): { OR: [{ tenantId: string }, { tenantId: null }] } {
  return { OR: [{ tenantId }, { tenantId: null }] };
}

/**
 * The scope rule as SQL for `$queryRaw`, on `column` (a trusted identifier such as `c."tenantId"`,
 * never input). Null when the scope sees every tenant. With `withShared`, rows without a tenant
 * are visible too (as in `sharedTenantWhere`). An empty list matches nothing (or only the shared rows).
 */
export function tenantScopeSql(scope: TTenantScope, column: string, opts: { withShared?: boolean } = {}): Prisma.Sql | null {
  if (scope.hasAllTenants) return null;
  const col = Prisma.raw(column);
  if (opts.withShared)
    return scope.tenantIds.length
      ? Prisma.sql`(${col} IS NULL OR ${col} IN (${Prisma.join(scope.tenantIds)}))`
      : Prisma.sql`${col} IS NULL`;
  return scope.tenantIds.length ? Prisma.sql`${col} IN (${Prisma.join(scope.tenantIds)})` : Prisma.sql`FALSE`;
}

/** Mailbox states the workers sync, watch and push-subscribe. */
export const SYNCABLE_STATES = ["connected", "degraded"] as const;
export type TSyncableState = (typeof SYNCABLE_STATES)[number];
export const isSyncableState = (state: string): state is TSyncableState => (SYNCABLE_STATES as readonly string[]).includes(state);
/** `SYNCABLE_STATES` as a SQL list for `"state" IN (...)`: fixed literals, never input. */
export const SYNCABLE_STATES_SQL = Prisma.raw(SYNCABLE_STATES.map((s) => `'${s}'`).join(", "));
