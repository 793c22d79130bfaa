import "server-only";
// A redacted support bundle: everything support (or Consentry's own support) needs to tell what
// broke for a tenant or mailbox — configuration, states, diagnoses, grant ages, last connection
// tests, the event log — and nothing that could be used to get in: no secret, no token, no mail
// content. Optionally pseudonymizes addresses so it can leave the MSP.
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { db, Prisma } from "../db/client";
import { canAccessTenant } from "../auth/guard";
import type { TScope } from "../auth/session";
import { notFound } from "../core/errors";
import { auditScopeWhere, sharedTenantWhere, tenantIdIn, tenantWhere } from "../core/scope";
import { redact } from "../microsoft/parse-error";
import { describe } from "../diagnostics/describe";
import { hostsFor } from "../microsoft/hosts-for";
import { workerStatus } from "../workers/worker-status";
import type { TConnectionTest } from "../checks/connection-test";
import { mailboxTraces, type TMailboxTraces } from "../trace/mailbox-trace";

export const BUNDLE_FORMAT = "consentry-support-bundle/1";

export const ZBundleQuery = z.object({
  tenantId: z.string().uuid().optional(),
  mailboxId: z.string().uuid().optional(),
  days: z.coerce.number().int().min(1).max(90).default(7),
  pseudonymize: z
    .enum(["0", "1", "true", "false"])
    .optional()
    .transform((v) => v === "1" || v === "true"),
});
export type TBundleQuery = z.infer<typeof ZBundleQuery>;

const MAX_EVENTS = 2000;
const DAY = 86_400_000;

type TScopeLike = Pick<TScope, "workspaceId" | "hasAllTenants" | "tenantIds" | "email" | "staffUserId">;

/** Applies the credential redactor to every string in a JSON value (keys stay). */
export function redactDeep(v: unknown): unknown {
  if (typeof v === "string") return redact(v);
  if (Array.isArray(v)) return v.map(redactDeep);
  if (v && typeof v === "object" && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactDeep(x)]));
  return v;
}

/** Replaces each address's local part with a stable pseudonym (same address → same pseudonym in one bundle). */
export function pseudonymizeAddresses(json: string, salt: string): string {
  return json.replace(/([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g, (_m, local: string, domain: string) => {
    const h = createHash("sha256").update(`${salt}:${local.toLowerCase()}@${domain.toLowerCase()}`).digest("hex").slice(0, 8);
    return `user-${h}@${domain}`;
  });
}

async function resolveTargets(scope: TScopeLike, q: TBundleQuery) {
  let tenantId = q.tenantId;
  if (q.mailboxId) {
    const m = await db().mailbox.findFirst({
      where: { id: q.mailboxId, workspaceId: scope.workspaceId, ...(tenantId ? { tenantId } : {}) },
      select: { tenantId: true },
    });
    if (!m || !canAccessTenant(scope, m.tenantId)) throw notFound("Mailbox");
    tenantId = m.tenantId;
  }
  if (tenantId) {
    const t =
      canAccessTenant(scope, tenantId) &&
      (await db().tenant.findFirst({ where: { id: tenantId, workspaceId: scope.workspaceId }, select: { id: true } }));
    if (!t) throw notFound("Tenant");
    return { tenantIds: [tenantId], mailboxId: q.mailboxId };
  }
  const all = await db().tenant.findMany({ where: { workspaceId: scope.workspaceId, id: tenantIdIn(scope) }, select: { id: true } });
  return { tenantIds: all.map((t) => t.id), mailboxId: undefined };
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const ageDays = (d: Date | null | undefined, now: number) => (d ? Math.floor((now - d.getTime()) / DAY) : null);

export async function buildSupportBundle(scope: TScopeLike, q: TBundleQuery) {
  const now = Date.now();
  const since = new Date(now - q.days * DAY);
  const target = await resolveTargets(scope, q);
  // The resolved tenants, as a scope for the where-builders.
  const inTargets = { hasAllTenants: false, tenantIds: target.tenantIds };
  const tenants = await db().tenant.findMany({
    where: { workspaceId: scope.workspaceId, id: tenantIdIn(inTargets) },
    orderBy: { displayName: "asc" },
    select: {
      id: true,
      displayName: true,
      directoryId: true,
      primaryDomain: true,
      cloud: true,
      orgConsents: {
        select: {
          appRegistrationId: true,
          consentedAt: true,
          adminUpn: true,
          verifiedBy: true,
          scopes: true,
          directoryId: true,
          recordedBy: true,
        },
      },
      createdAt: true,
    },
  });
  const mailboxes = await db().mailbox.findMany({
    where: { workspaceId: scope.workspaceId, ...tenantWhere(inTargets), ...(target.mailboxId ? { id: target.mailboxId } : {}) },
    orderBy: { address: "asc" },
    select: {
      id: true,
      tenantId: true,
      appRegistrationId: true,
      address: true,
      kind: true,
      delegateUpn: true,
      inbound: true,
      outbound: true,
      folder: true,
      afterProcessing: true,
      moveToFolder: true,
      state: true,
      stateCode: true,
      lastSyncAt: true,
      nextSyncAt: true,
      leaseOwner: true,
      leaseExpiresAt: true,
      watchOwner: true,
      watchExpiresAt: true,
      syncState: true,
      createdAt: true,
      graphSubscription: { select: { expiresAt: true, lastNotificationAt: true } },
      appOnlyCheck: { select: { steps: true, outsideAddress: true, updatedAt: true } },
      grant: {
        select: {
          upn: true,
          oid: true,
          tid: true,
          scopes: true,
          accessTokenExpiresAt: true,
          accessTokenResource: true,
          lastRefreshAt: true,
          refreshTokenIssuedAt: true,
          refreshFailures: true,
          lastErrorCode: true,
          createdAt: true,
        },
      },
    },
  });
  const mailboxIds = mailboxes.map((m) => m.id);
  // App-only mailboxes: their app's token per resource (never its value), for the mailboxes' own tenants.
  const appOnlyTokens = await db().appOnlyToken.findMany({
    where: {
      workspaceId: scope.workspaceId,
      tenantId: { in: [...new Set(mailboxes.map((m) => m.tenantId))] },
      appRegistrationId: { in: [...new Set(mailboxes.map((m) => m.appRegistrationId).filter((x): x is string => !!x))] },
    },
    select: {
      tenantId: true,
      appRegistrationId: true,
      resource: true,
      expiresAt: true,
      roles: true,
      spObjectId: true,
      lastRefreshAt: true,
      lastErrorCode: true,
    },
  });
  const appOnlyOf = (m: (typeof mailboxes)[number]) => {
    const tokens = appOnlyTokens.filter((t) => t.tenantId === m.tenantId && t.appRegistrationId === m.appRegistrationId);
    if (!tokens.length && !m.appOnlyCheck) return null;
    return {
      tokens: tokens.map((t) => ({
        resource: t.resource,
        roles: t.roles,
        servicePrincipalObjectId: t.spObjectId,
        expiresAt: iso(t.expiresAt),
        lastRefreshAt: iso(t.lastRefreshAt),
        lastErrorCode: t.lastErrorCode,
      })),
      checklist: m.appOnlyCheck?.steps ?? null,
      outsideAddress: m.appOnlyCheck?.outsideAddress ?? null,
      checkedAt: iso(m.appOnlyCheck?.updatedAt),
    };
  };
  const appIds = [...new Set(mailboxes.map((m) => m.appRegistrationId).filter((x): x is string => !!x))];
  const apps = await db().appRegistration.findMany({
    where: { workspaceId: scope.workspaceId, OR: [{ id: { in: appIds } }, ...(target.mailboxId ? [] : [tenantWhere(inTargets)])] },
    orderBy: { displayName: "asc" },
    select: {
      id: true,
      tenantId: true,
      displayName: true,
      clientId: true,
      kind: true,
      scopeProfile: true,
      defaultPrompt: true,
      authorityOverride: true,
      tokenEndpointOverride: true,
      lastVerifiedAt: true,
      lastVerifyCode: true,
      secrets: {
        select: { last4: true, expiresAt: true, status: true, verifiedAt: true, createdAt: true },
        orderBy: { createdAt: "desc" },
      },
    },
  });
  // Log lines of the chosen tenant, or of the caller's tenants plus workspace-level ones.
  const byTenant = q.tenantId ? tenantWhere(inTargets) : sharedTenantWhere(inTargets);
  // Limited staff: workspace-level audit rows (staff, keys, settings) only when they wrote them, as in the audit log.
  const auditOfLimited = q.tenantId ? byTenant : auditScopeWhere({ ...inTargets, staffUserId: scope.staffUserId });
  const [messageStats, outboundStats, lastTests, events, audit, workers, migrations] = await Promise.all([
    mailboxIds.length
      ? db().message.groupBy({
          by: ["mailboxId"],
          where: { mailboxId: { in: mailboxIds } },
          _count: { _all: true },
          _max: { receivedAt: true, createdAt: true },
        })
      : [],
    mailboxIds.length
      ? db().outboundMessage.groupBy({ by: ["mailboxId", "status"], where: { mailboxId: { in: mailboxIds } }, _count: { _all: true } })
      : [],
    mailboxIds.length
      ? db().$queryRaw<{ mailboxId: string; detail: TConnectionTest }[]>`
          SELECT DISTINCT ON ("mailboxId") "mailboxId", "detail" FROM "Event"
          WHERE "mailboxId" IN (${Prisma.join(mailboxIds)}) AND "code" IN ('connection_test_passed', 'connection_test_failed')
          ORDER BY "mailboxId", "createdAt" DESC`
      : [],
    db().event.findMany({
      where: {
        workspaceId: scope.workspaceId,
        createdAt: { gte: since },
        ...(target.mailboxId ? { mailboxId: target.mailboxId } : byTenant),
      },
      orderBy: { createdAt: "desc" },
      take: MAX_EVENTS,
      select: { createdAt: true, level: true, code: true, message: true, detail: true, tenantId: true, mailboxId: true },
    }),
    db().auditEntry.findMany({
      where: {
        workspaceId: scope.workspaceId,
        createdAt: { gte: since },
        ...(target.mailboxId ? { targetId: target.mailboxId } : scope.hasAllTenants ? byTenant : auditOfLimited),
      },
      orderBy: { createdAt: "desc" },
      take: 500,
      select: { createdAt: true, actorEmail: true, action: true, targetType: true, targetId: true, tenantId: true, detail: true },
    }),
    workerStatus(),
    db().$queryRaw<
      { migration_name: string }[]
    >`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name`,
  ]);

  // A mailbox's bundle carries its trace: the switch and the kept transcripts (redacted when recorded).
  const trace: TMailboxTraces | null = target.mailboxId
    ? await mailboxTraces({ workspaceId: scope.workspaceId, tenantId: target.tenantIds[0], mailboxId: target.mailboxId })
    : null;

  const diagnosisCodes = new Set<string>();
  const diagnosis = (code: string | null) => {
    if (!code) return null;
    diagnosisCodes.add(code);
    const d = describe(code);
    return d.isKnown ? { code, title: d.title, retryable: d.retryable } : { code, title: "Unrecognized code", retryable: true };
  };
  const testsBy = new Map(lastTests.map((t) => [t.mailboxId, t.detail]));
  const msgBy = new Map(messageStats.map((s) => [s.mailboxId, s]));
  for (const e of events) if (describe(e.code)?.isKnown) diagnosisCodes.add(e.code);

  const mailboxOut = (m: (typeof mailboxes)[number]) => {
    const progress = (m.syncState as { progress?: unknown; uidValidity?: unknown } | null)?.progress ?? null;
    const stats = msgBy.get(m.id);
    const test = testsBy.get(m.id) ?? null;
    if (test) for (const s of test.steps) if (s.diagnosis?.code) diagnosisCodes.add(s.diagnosis.code);
    return {
      id: m.id,
      address: m.address,
      kind: m.kind,
      delegateUpn: m.delegateUpn,
      appRegistrationId: m.appRegistrationId,
      inbound: m.inbound,
      outbound: m.outbound,
      folder: m.folder,
      afterProcessing: m.afterProcessing,
      moveToFolder: m.moveToFolder,
      state: m.state,
      diagnosis: diagnosis(m.stateCode),
      grant: m.grant
        ? {
            authorizedAs: { upn: m.grant.upn, oid: m.grant.oid, tid: m.grant.tid },
            matchesExpectedUser: m.grant.upn.toLowerCase() === (m.kind === "shared" ? (m.delegateUpn ?? "") : m.address).toLowerCase(),
            scopes: m.grant.scopes,
            accessTokenResource: m.grant.accessTokenResource,
            accessTokenExpiresAt: iso(m.grant.accessTokenExpiresAt),
            lastRefreshAt: iso(m.grant.lastRefreshAt),
            refreshTokenAgeDays: ageDays(m.grant.refreshTokenIssuedAt, now),
            daysSinceLastRefresh: ageDays(m.grant.lastRefreshAt ?? m.grant.refreshTokenIssuedAt, now),
            refreshFailures: m.grant.refreshFailures,
            lastErrorCode: m.grant.lastErrorCode,
            grantedAt: iso(m.grant.createdAt),
          }
        : null,
      appOnly: appOnlyOf(m),
      sync: {
        lastSyncAt: iso(m.lastSyncAt),
        nextSyncAt: iso(m.nextSyncAt),
        leasedBy: m.leaseExpiresAt && m.leaseExpiresAt.getTime() > now ? m.leaseOwner : null,
        push: m.graphSubscription
          ? {
              via: "graph_subscription",
              expiresAt: iso(m.graphSubscription.expiresAt),
              lastNotificationAt: iso(m.graphSubscription.lastNotificationAt),
            }
          : m.watchExpiresAt && m.watchExpiresAt.getTime() > now
            ? { via: "imap_idle", watchedBy: m.watchOwner }
            : null,
        progress,
        messagesStored: stats?._count._all ?? 0,
        newestMessageReceivedAt: iso(stats?._max.receivedAt),
        lastMessageStoredAt: iso(stats?._max.createdAt),
      },
      outboundQueue: Object.fromEntries(outboundStats.filter((s) => s.mailboxId === m.id).map((s) => [s.status, s._count._all])),
      lastConnectionTest: test,
      ...(trace && m.id === target.mailboxId ? { trace } : {}),
      createdAt: iso(m.createdAt),
    };
  };

  const appOut = (a: (typeof apps)[number]) => ({
    id: a.id,
    tenantId: a.tenantId,
    displayName: a.displayName,
    clientId: a.clientId,
    kind: a.kind,
    scopeProfile: a.scopeProfile,
    defaultPrompt: a.defaultPrompt,
    authorityOverride: a.authorityOverride,
    tokenEndpointOverride: a.tokenEndpointOverride,
    lastVerifiedAt: iso(a.lastVerifiedAt),
    lastVerifyCode: a.lastVerifyCode,
    secrets: a.secrets.map((s) => ({
      hint: `…${s.last4}`,
      status: s.status,
      expiresAt: iso(s.expiresAt),
      daysToExpiry: Math.floor((s.expiresAt.getTime() - now) / DAY),
      verifiedAt: iso(s.verifiedAt),
      addedAt: iso(s.createdAt),
    })),
  });

  const states: Record<string, number> = {};
  for (const m of mailboxes) states[m.state] = (states[m.state] ?? 0) + 1;

  const bundle = {
    format: BUNDLE_FORMAT,
    generatedAt: new Date(now).toISOString(),
    generatedBy: scope.email,
    scope: {
      tenantId: q.tenantId ?? (target.mailboxId ? target.tenantIds[0] : null),
      mailboxId: target.mailboxId ?? null,
      days: q.days,
      pseudonymized: q.pseudonymize,
    },
    settings: await db().workspace.findUnique({
      where: { id: scope.workspaceId },
      select: { messageRetentionDays: true, alertKinds: true, notifierMailboxId: true },
    }),
    system: {
      node: process.version,
      migrations: migrations.map((r) => r.migration_name),
      workers: { alive: workers.alive, lastBeatAt: iso(workers.lastBeatAt) },
    },
    summary: {
      tenants: tenants.length,
      apps: apps.length,
      mailboxes: mailboxes.length,
      mailboxStates: states,
      events: events.length,
      eventsTruncated: events.length >= MAX_EVENTS,
    },
    tenants: tenants.map((t) => ({
      id: t.id,
      displayName: t.displayName,
      directoryId: t.directoryId,
      primaryDomain: t.primaryDomain,
      cloud: t.cloud,
      hosts: hostsFor(t.cloud),
      // Organization consent, per app registration.
      adminConsents: t.orgConsents.map((c) => ({
        appRegistrationId: c.appRegistrationId,
        at: iso(c.consentedAt),
        by: c.adminUpn ?? c.recordedBy,
        verifiedBy: c.verifiedBy,
        scopes: c.scopes,
        tenantIdReturned: c.directoryId,
        differsFromTenantOnFile: !!c.directoryId && !!t.directoryId && c.directoryId !== t.directoryId,
      })),
      apps: apps.filter((a) => a.tenantId === t.id).map(appOut),
      mailboxes: mailboxes.filter((m) => m.tenantId === t.id).map(mailboxOut),
    })),
    mspApps: apps.filter((a) => a.tenantId === null).map(appOut),
    events: events.map((e) => ({
      at: e.createdAt.toISOString(),
      level: e.level,
      code: e.code,
      tenantId: e.tenantId,
      mailboxId: e.mailboxId,
      message: e.message,
      detail: e.detail,
    })),
    audit: audit.map((a) => ({
      at: a.createdAt.toISOString(),
      actor: a.actorEmail,
      action: a.action,
      targetType: a.targetType,
      targetId: a.targetId,
      tenantId: a.tenantId,
      detail: a.detail,
    })),
    diagnoses: [] as { code: string; title: string; cause: string; fixSteps: string[]; retryable: boolean; docsUrl: string }[],
  };
  bundle.diagnoses = [...diagnosisCodes].sort().flatMap((code) => {
    const d = describe(code);
    return d.isKnown ? [{ code, title: d.title, cause: d.cause, fixSteps: d.fixSteps, retryable: d.retryable, docsUrl: d.docsUrl }] : [];
  });

  const json = JSON.stringify(redactDeep(bundle), null, 2);
  return q.pseudonymize ? pseudonymizeAddresses(json, randomBytes(16).toString("hex")) : json;
}

export function bundleFileName(opts: { tenantName?: string | null; mailboxAddress?: string | null; at?: Date }) {
  const slug = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40);
  const what = opts.mailboxAddress ? slug(opts.mailboxAddress) : opts.tenantName ? slug(opts.tenantName) : "workspace";
  const stamp = (opts.at ?? new Date()).toISOString().slice(0, 16).replace(/[:T]/g, "-");
  return `consentry-support-${what}-${stamp}.json`;
}
