// Bench fixtures for the push scenarios: N sandbox users in Fabrikam, each with a Consentry mailbox
// and a delegated grant (a real refresh token minted by the sandbox), all in one workspace and
// tenant, written in bulk. Import after benchDatabase() (lib/ reads DATABASE_URL on first use).
import { randomUUID } from "node:crypto";
import { SEED } from "../../sandbox/directory/seed";
import type { TBenchSandbox } from "./harness";

const F = SEED.fabrikam;

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

export type TPushMailbox = { id: string; address: string; workspaceId: string; tenantId: string };

export async function pushMailboxes(
  sb: TBenchSandbox,
  n: number,
  o: { prefix: string; scopes: string[]; inbound: "imap" | "graph"; nextSyncAt?: Date | null },
): Promise<TPushMailbox[]> {
  const { db } = await import("../../lib/db/client");
  const { sealValue } = await import("../../lib/crypto");
  const addresses = Array.from({ length: n }, (_, i) => `${o.prefix}${String(i).padStart(4, "0")}@${F.domain}`);
  await pool(addresses, 8, async (upn) => {
    const r = await sb.admin("POST", "/admin/users", { upn, password: "Bench-Passw0rd!", imapEnabled: true });
    if (r.status !== 201 && r.status !== 409) throw new Error(`sandbox user ${upn}: ${r.status} ${JSON.stringify(r.body)}`);
  });
  const tokens = await pool(addresses, 8, async (upn) => {
    const tok = await sb.admin("POST", "/admin/tokens", { upn, clientId: F.clientId, scopes: [...o.scopes, "offline_access"] });
    if (tok.status !== 200) throw new Error(`sandbox token for ${upn}: ${JSON.stringify(tok.body)}`);
    return tok.body.refresh_token as string;
  });
  const ws = await db().workspace.create({ data: { name: "Bench push", slug: `bench-${randomUUID()}` } });
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
  const rows = addresses.map((address) => ({ id: randomUUID(), address, workspaceId: ws.id, tenantId: tenant.id }));
  await db().mailbox.createMany({
    data: rows.map((r) => ({
      ...r,
      appRegistrationId: app.id,
      state: "connected" as const,
      inbound: o.inbound,
      outbound: "none" as const,
      nextSyncAt: o.nextSyncAt ?? null,
    })),
  });
  await db().grant.createMany({
    data: rows.map((r, i) => ({
      workspaceId: ws.id,
      tenantId: tenant.id,
      mailboxId: r.id,
      upn: r.address,
      oid: randomUUID(),
      tid: F.id,
      scopes: o.scopes,
      sealedRefreshToken: sealValue(tokens[i], "refresh_token", { workspaceId: ws.id, rowId: r.id }),
      refreshTokenIssuedAt: new Date(),
      lastRefreshAt: new Date(),
    })),
  });
  return rows;
}
