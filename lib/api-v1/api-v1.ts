import "server-only";
// What the REST API reads: mailboxes with their state and diagnosis, the mail the worker pulled
// (in arrival order, so a consumer polls with a cursor and sees each message once), and a
// monitoring summary for RMM and uptime tools. Every query is limited to the key's workspace
// and tenants; a foreign id is not found.
import { z } from "zod";
import { db } from "../db/client";
import { HttpError, notFound } from "../core/errors";
import { describe } from "../diagnostics/describe";
import { workerStatus } from "../workers/worker-status";
import type { TApiScope } from "../api-keys/api-keys";
import { tenantWhere } from "../core/scope";

const tf = (api: TApiScope) => tenantWhere(api);
const diagnosis = (code: string | null) => {
  const d = describe(code);
  if (!code || !d) return null;
  return d.isKnown
    ? { code, title: d.title, retryable: d.retryable, fixSteps: d.fixSteps }
    : { code, title: code, retryable: true, fixSteps: [] };
};

const mailboxSelect = {
  id: true,
  tenantId: true,
  address: true,
  kind: true,
  delegateUpn: true,
  inbound: true,
  outbound: true,
  folder: true,
  state: true,
  stateCode: true,
  pausedAt: true,
  lastSyncAt: true,
  createdAt: true,
  tenant: { select: { displayName: true } },
} as const;
type TRow = {
  id: string;
  tenantId: string;
  address: string;
  kind: string;
  delegateUpn: string | null;
  inbound: string;
  outbound: string;
  folder: string;
  state: string;
  stateCode: string | null;
  /** Set while paused (state "disabled"): no sync, outbound mail held. */
  pausedAt: Date | null;
  lastSyncAt: Date | null;
  createdAt: Date;
  tenant: { displayName: string };
};
const mailboxOut = ({ tenant, stateCode, ...m }: TRow) => ({ ...m, tenantName: tenant.displayName, diagnosis: diagnosis(stateCode) });

/** A page's end in `GET /api/v1/mailboxes?limit=`: opaque to the caller (the last address and id). */
const encodeCursor = (m: { address: string; id: string }) => Buffer.from(JSON.stringify([m.address, m.id])).toString("base64url");
const ZCursor = z
  .string()
  .max(1000)
  .transform((c, ctx) => {
    try {
      const v: unknown = JSON.parse(Buffer.from(c, "base64url").toString("utf8"));
      if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "string" && x.length <= 400))
        return { address: v[0], id: v[1] };
    } catch {}
    ctx.addIssue({ code: "custom", message: "Pass back the nextCursor of the previous page, unchanged." });
    return z.NEVER;
  });

export const ZMailboxListQuery = z.object({
  tenantId: z.string().uuid().optional(),
  state: z.enum(["pending_consent", "connected", "degraded", "failing", "needs_reconsent", "disabled"]).optional(),
  // Optional paging (in address order): without `limit` the whole list comes back, as it always did.
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: ZCursor.optional(),
});

export async function apiListMailboxes(api: TApiScope, q: z.infer<typeof ZMailboxListQuery>) {
  // A tenant filter outside the key's limit is not found (checked first: it must never widen).
  if (q.tenantId) {
    const allowed = api.hasAllTenants || api.tenantIds.includes(q.tenantId);
    const t = allowed && (await db().tenant.findFirst({ where: { id: q.tenantId, workspaceId: api.workspaceId }, select: { id: true } }));
    if (!t) throw notFound("Tenant");
  }
  const paged = q.limit !== undefined || q.cursor !== undefined;
  const limit = q.limit ?? 200;
  const rows = await db().mailbox.findMany({
    where: {
      workspaceId: api.workspaceId,
      AND: [
        tf(api),
        q.tenantId ? { tenantId: q.tenantId } : {},
        q.cursor ? { OR: [{ address: { gt: q.cursor.address } }, { address: q.cursor.address, id: { gt: q.cursor.id } }] } : {},
      ],
      ...(q.state ? { state: q.state } : {}),
    },
    orderBy: paged ? [{ address: "asc" }, { id: "asc" }] : { address: "asc" },
    ...(paged ? { take: limit + 1 } : {}),
    select: mailboxSelect,
  });
  if (!paged) return { mailboxes: rows.map(mailboxOut) };
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  return { mailboxes: page.map(mailboxOut), nextCursor: more ? encodeCursor(page[page.length - 1]) : null };
}

export async function apiMailbox(api: TApiScope, mailboxId: string) {
  const m = await db().mailbox.findFirst({ where: { id: mailboxId, workspaceId: api.workspaceId, ...tf(api) }, select: mailboxSelect });
  if (!m) throw notFound("Mailbox");
  return m;
}

export async function apiGetMailbox(api: TApiScope, mailboxId: string) {
  return mailboxOut(await apiMailbox(api, mailboxId));
}

export const ZMessageListQuery = z.object({
  /** The id of the last message you processed: the page starts after it. */
  after: z.string().uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const messageSelect = {
  id: true,
  mailboxId: true,
  internetMessageId: true,
  fromAddress: true,
  subject: true,
  size: true,
  folder: true,
  receivedAt: true,
  purgedAt: true,
  createdAt: true,
} as const;
const messageOut = <T extends { createdAt: Date }>({ createdAt, ...m }: T) => ({ ...m, storedAt: createdAt });

export async function apiListMessages(api: TApiScope, mailboxId: string, q: z.infer<typeof ZMessageListQuery>) {
  await apiMailbox(api, mailboxId);
  if (q.after) {
    const a = await db().message.findFirst({ where: { id: q.after, mailboxId, workspaceId: api.workspaceId }, select: { id: true } });
    if (!a) throw notFound("Message given as `after`");
  }
  const rows = await db().message.findMany({
    where: { workspaceId: api.workspaceId, mailboxId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: q.limit + 1,
    ...(q.after ? { cursor: { id: q.after }, skip: 1 } : {}),
    select: messageSelect,
  });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1]?.id ?? q.after ?? null;
  // nextCursor is always where to continue from, even at the end: poll with it for new mail.
  return { messages: page.map(messageOut), nextCursor: last, hasMore: rows.length > q.limit };
}

export async function apiGetMessage(api: TApiScope, id: string) {
  const m = await db().message.findFirst({ where: { id, workspaceId: api.workspaceId, ...tf(api) }, select: messageSelect });
  if (!m) throw notFound("Message");
  return messageOut(m);
}

export async function apiGetRawMessage(api: TApiScope, id: string) {
  const m = await db().message.findFirst({
    where: { id, workspaceId: api.workspaceId, ...tf(api) },
    select: { rawMime: true, purgedAt: true },
  });
  if (!m) throw notFound("Message");
  if (m.purgedAt)
    throw new HttpError(
      410,
      "purged",
      `The raw message was deleted on ${m.purgedAt.toISOString().slice(0, 10)} under the workspace's retention setting; its summary remains.`,
    );
  return Buffer.from(m.rawMime);
}

/** Monitoring: one call tells an RMM whether mail flows, and which mailboxes need a person. */
export async function apiStatus(api: TApiScope) {
  const where = { workspaceId: api.workspaceId, ...tf(api) };
  const soon = new Date(Date.now() + 14 * 86_400_000);
  const [byState, problems, workers, expiring, queued, failedOut] = await Promise.all([
    db().mailbox.groupBy({ by: ["state"], where, _count: { _all: true } }),
    db().mailbox.findMany({
      where: { ...where, state: { in: ["degraded", "failing", "needs_reconsent"] } },
      orderBy: { address: "asc" },
      take: 200,
      select: mailboxSelect,
    }),
    workerStatus(),
    db().appSecret.findMany({
      where: {
        workspaceId: api.workspaceId,
        status: "active",
        expiresAt: { lte: soon },
        ...(api.hasAllTenants ? {} : { appRegistration: tenantWhere(api) }),
      },
      select: { expiresAt: true, last4: true, appRegistration: { select: { id: true, displayName: true, tenantId: true } } },
    }),
    db().outboundMessage.count({ where: { ...where, status: { in: ["queued", "sending"] } } }),
    db().outboundMessage.count({ where: { ...where, status: "failed" } }),
  ]);
  const counts = Object.fromEntries(byState.map((b) => [b.state, b._count._all]));
  const needsPerson = (counts.needs_reconsent ?? 0) + (counts.failing ?? 0);
  const status =
    workers.alive === 0 || needsPerson > 0
      ? "critical"
      : (counts.degraded ?? 0) > 0 || expiring.length > 0 || failedOut > 0
        ? "warning"
        : "ok";
  return {
    status,
    checkedAt: new Date().toISOString(),
    workers: { alive: workers.alive, lastBeatAt: workers.lastBeatAt },
    mailboxes: { total: byState.reduce((n, b) => n + b._count._all, 0), byState: counts },
    problems: problems.map(mailboxOut),
    secretsExpiringWithin14Days: expiring.map((s) => ({
      appId: s.appRegistration.id,
      app: s.appRegistration.displayName,
      tenantId: s.appRegistration.tenantId,
      hint: `…${s.last4}`,
      expiresAt: s.expiresAt,
    })),
    outbound: { pending: queued, failed: failedOut },
  };
}
