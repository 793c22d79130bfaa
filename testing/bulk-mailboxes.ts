// Many tenants and mailboxes at once, by set-based SQL (no Prisma per row): for the paged Health
// list's tests and its bench (scripts/bench/mailboxes-api.ts). Mailbox n of a tenant is
// `box<n>@<tenant's domain>`; its state, protocols and last sync follow from n, so a test can
// predict them. Mailboxes that left pending_consent get a grant row (its token is not a real one).
import { db } from "../lib/db/client";

/** The state of mailbox n (cycles through every state, mostly connected as in real life). */
export const BULK_STATES = [
  "connected",
  "connected",
  "connected",
  "failing",
  "connected",
  "degraded",
  "pending_consent",
  "connected",
  "needs_reconsent",
  "disabled",
] as const;

/** `count` tenants named `<prefix> 0001`… with domains `<prefix>-0001.example.com`…; their ids in order. */
export async function bulkTenants(workspaceId: string, prefix: string, count: number): Promise<string[]> {
  const rows = await db().$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO "Tenant" ("id", "workspaceId", "displayName", "primaryDomain", "updatedAt")
     SELECT gen_random_uuid()::text, $1, $2 || ' ' || lpad(g::text, 4, '0'), lower($2) || '-' || lpad(g::text, 4, '0') || '.example.com', now()
     FROM generate_series(1, $3::int) g ORDER BY g RETURNING "id"`,
    workspaceId,
    prefix,
    count,
  );
  return rows.map((r) => r.id);
}

/** Mailboxes number `from`..`to` (inclusive) in each of the workspace's tenants whose id is in `tenantIds`. */
export async function bulkMailboxes(workspaceId: string, tenantIds: string[], from: number, to: number) {
  const states = `(ARRAY[${BULK_STATES.map((s) => `'${s}'`).join(",")}]::"MailboxState"[])`;
  await db().$executeRawUnsafe(
    `INSERT INTO "Mailbox" ("id", "workspaceId", "tenantId", "address", "kind", "inbound", "outbound", "state", "stateCode", "lastSyncAt", "updatedAt")
     SELECT gen_random_uuid()::text, t."workspaceId", t."id", 'box' || lpad(n::text, 4, '0') || '@' || t."primaryDomain",
            (CASE WHEN n % 7 = 0 THEN 'shared' ELSE 'user' END)::"MailboxKind",
            (CASE n % 3 WHEN 0 THEN 'imap' WHEN 1 THEN 'graph' ELSE 'pop' END)::"InboundProtocol",
            (CASE WHEN n % 2 = 0 THEN 'smtp' ELSE 'graph' END)::"OutboundProtocol",
            ${states}[(n % 10) + 1],
            CASE WHEN n % 10 = 3 THEN 'imap_auth_failed' WHEN n % 10 = 8 THEN 'invalid_grant' END,
            CASE WHEN n % 10 = 6 THEN NULL ELSE now() - make_interval(mins => (n * 37 + length(t."id")) % 1440) END,
            now()
     FROM "Tenant" t, generate_series($3::int, $4::int) n
     WHERE t."workspaceId" = $1 AND t."id" = ANY($2::text[])`,
    workspaceId,
    tenantIds,
    from,
    to,
  );
  await db().$executeRawUnsafe(
    `INSERT INTO "Grant" ("id", "workspaceId", "tenantId", "mailboxId", "upn", "oid", "tid", "scopes", "sealedRefreshToken", "refreshTokenIssuedAt", "lastRefreshAt", "updatedAt")
     SELECT gen_random_uuid()::text, m."workspaceId", m."tenantId", m."id", m."address", gen_random_uuid()::text, m."tenantId",
            ARRAY['https://outlook.office.com/IMAP.AccessAsUser.All', 'offline_access'], 'not-a-sealed-token', now() - interval '3 days', now() - interval '1 hour', now()
     FROM "Mailbox" m LEFT JOIN "Grant" g ON g."mailboxId" = m."id"
     WHERE m."workspaceId" = $1 AND m."tenantId" = ANY($2::text[]) AND m."state" <> 'pending_consent' AND g."id" IS NULL`,
    workspaceId,
    tenantIds,
  );
}

/** A passed connection test (token, IMAP, SMTP) for every `every`-th mailbox of the workspace, as the health matrix reads it. */
export async function bulkConnectionTests(workspaceId: string, every: number) {
  await db().$executeRawUnsafe(
    `INSERT INTO "Event" ("id", "workspaceId", "tenantId", "mailboxId", "code", "message", "detail")
     SELECT gen_random_uuid()::text, m."workspaceId", m."tenantId", m."id", 'connection_test_passed', 'Connection test passed',
            jsonb_build_object('at', now(), 'steps', jsonb_build_array(
              jsonb_build_object('step', 'token', 'protocol', 'oauth', 'ok', true),
              jsonb_build_object('step', 'inbound', 'protocol', 'imap', 'ok', true),
              jsonb_build_object('step', 'outbound', 'protocol', 'smtp', 'ok', true)))
     FROM (SELECT *, row_number() OVER (ORDER BY "id") AS rn FROM "Mailbox" WHERE "workspaceId" = $1) m
     WHERE m.rn % $2 = 0`,
    workspaceId,
    every,
  );
}
