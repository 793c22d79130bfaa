// Many mailboxes for the scheduling benches (first-sync, failover), set up fast: sandbox users
// created, filled and granted through the admin API with a few dozen requests in flight, and
// Consentry's rows (one workspace, tenant and app; a mailbox and a grant per user) inserted in bulk.
// Import after benchDatabase() (it reads DATABASE_URL).
import { randomUUID } from "node:crypto";
import type { TBenchSandbox } from "./harness";
import { db } from "../../lib/db/client";
import { sealValue } from "../../lib/crypto";
import { SEED } from "../../sandbox/directory/seed";
import { IMAP_SCOPE } from "../../testing/sandbox-grant";

/** Runs `fn` over `items` with at most `n` at once. */
export async function pool<T, R>(items: T[], n: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/** `count` sandbox users in Fabrikam, each with `perBox` messages of ~`size` bytes in the INBOX
 *  and a refresh token, and a Consentry mailbox (IMAP, due at `due`, default now) with its grant for each. */
export async function fleet(sb: TBenchSandbox, opts: { count: number; perBox: number; size?: number; prefix: string; due?: Date }) {
  const F = SEED.fabrikam;
  const upns = Array.from({ length: opts.count }, (_, i) => `${opts.prefix}${i}@${F.domain}`);
  const ok = (r: { status: number; body: unknown }, what: string) => {
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as Record<string, unknown>;
  };
  const tokens = await pool(upns, 32, async (upn) => {
    ok(await sb.admin("POST", "/admin/users", { upn, password: "Bench-Passw0rd!" }), `create ${upn}`);
    if (opts.perBox > 0)
      ok(
        opts.perBox > 50
          ? await sb.admin("POST", `/admin/mail/mailboxes/${upn}/bulk-load`, { count: opts.perBox, size: opts.size ?? 2048 })
          : await sb.admin("POST", `/admin/mail/mailboxes/${upn}/messages`, { generate: { count: opts.perBox, size: opts.size ?? 2048 } }),
        `fill ${upn}`,
      );
    const t = ok(await sb.admin("POST", "/admin/tokens", { upn, clientId: F.clientId, scopes: [IMAP_SCOPE, "offline_access"] }), "token");
    return t.refresh_token as string;
  });
  const ws = await db().workspace.create({ data: { name: "Bench", slug: `bench-${randomUUID()}` } });
  const tenant = await db().tenant.create({
    data: { workspaceId: ws.id, displayName: F.domain, directoryId: F.id, primaryDomain: F.domain, cloud: "sandbox" },
  });
  const secretId = randomUUID();
  const app = await db().appRegistration.create({
    data: {
      workspaceId: ws.id,
      tenantId: tenant.id,
      displayName: "App",
      clientId: F.clientId,
      secrets: {
        create: {
          id: secretId,
          workspaceId: ws.id,
          sealedValue: sealValue(F.secret, "client_secret", { workspaceId: ws.id, rowId: secretId }),
          last4: F.secret.slice(-4),
          expiresAt: new Date(Date.now() + 86_400_000 * 300),
          status: "active",
        },
      },
    },
  });
  const ids = upns.map(() => randomUUID());
  const now = new Date();
  await db().mailbox.createMany({
    data: upns.map((address, i) => ({
      id: ids[i],
      workspaceId: ws.id,
      tenantId: tenant.id,
      appRegistrationId: app.id,
      address,
      state: "connected" as const,
      inbound: "imap",
      nextSyncAt: opts.due ?? new Date(0),
    })),
  });
  await db().grant.createMany({
    data: upns.map((upn, i) => ({
      workspaceId: ws.id,
      tenantId: tenant.id,
      mailboxId: ids[i],
      upn,
      oid: randomUUID(),
      tid: F.id,
      scopes: [IMAP_SCOPE],
      sealedRefreshToken: sealValue(tokens[i], "refresh_token", { workspaceId: ws.id, rowId: ids[i] }),
      refreshTokenIssuedAt: now,
      lastRefreshAt: now,
    })),
  });
  return { ids, upns, workspaceId: ws.id, tenantId: tenant.id };
}
