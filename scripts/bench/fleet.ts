// Many mailboxes for the benches (first-sync, failover, live-push, idle-session-memory,
// refresh-storm), set up fast: sandbox users created, filled and granted through the admin API with
// a bounded number of requests in flight, and Consentry's rows (one workspace, tenant and app; a
// mailbox and a grant per user) inserted in bulk. lib/ is loaded on first use (after
// benchDatabase(), which sets DATABASE_URL), so this module can be imported statically.
import { randomUUID } from "node:crypto";
import type { TBenchSandbox } from "./harness";
import { SEED } from "../../sandbox/directory/seed";

const OUTLOOK = "https://outlook.office.com";
const IMAP_SCOPE = `${OUTLOOK}/IMAP.AccessAsUser.All`;

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

type TSeedTenant = { id: string; domain: string; clientId: string; secret: string };
export type TBenchApp = { workspaceId: string; tenantId: string; appId: string; seed: TSeedTenant };
export type TBenchMailbox = { id: string; address: string; workspaceId: string; tenantId: string };

/** One workspace with the sandbox tenant `t` and its app registration (client secret sealed). */
export async function benchApp(t: TSeedTenant, name = "Bench"): Promise<TBenchApp> {
  const { sandboxApp } = await import("../../testing/sandbox-grant");
  const { ws, tenant, app } = await sandboxApp(t, { workspace: name });
  return { workspaceId: ws.id, tenantId: tenant.id, appId: app.id, seed: t };
}

/** A connected mailbox (receiving by `inbound`, sending nothing, next poll at `due`) and its
 *  delegated grant (refresh token sealed; with `expiredAccessToken`, an access token for that
 *  resource that has already expired) for each of `boxes`, in bulk. */
export async function insertMailboxes(
  app: TBenchApp,
  boxes: { address: string; upn?: string; refreshToken: string }[],
  o: { inbound: "imap" | "graph"; scopes: string[]; due: Date | null; expiredAccessToken?: { resource: string } },
): Promise<TBenchMailbox[]> {
  const { db } = await import("../../lib/db/client");
  const { sealValue } = await import("../../lib/crypto");
  const { workspaceId, tenantId } = app;
  const rows = boxes.map((b) => ({ id: randomUUID(), address: b.address, workspaceId, tenantId }));
  const now = new Date();
  const expired = new Date(now.getTime() - 60_000);
  for (let i = 0; i < rows.length; i += 1000) {
    const slice = rows.slice(i, i + 1000);
    await db().mailbox.createMany({
      data: slice.map((r) => ({
        ...r,
        appRegistrationId: app.appId,
        state: "connected" as const,
        inbound: o.inbound,
        outbound: "none" as const,
        nextSyncAt: o.due,
      })),
    });
    await db().grant.createMany({
      data: slice.map((r, k) => ({
        workspaceId,
        tenantId,
        mailboxId: r.id,
        upn: boxes[i + k].upn ?? r.address,
        oid: randomUUID(),
        tid: app.seed.id,
        scopes: o.scopes,
        sealedRefreshToken: sealValue(boxes[i + k].refreshToken, "refresh_token", { workspaceId, rowId: r.id }),
        refreshTokenIssuedAt: now,
        lastRefreshAt: now,
        ...(o.expiredAccessToken && {
          sealedAccessToken: sealValue("expired", "access_token", { workspaceId, rowId: r.id }),
          accessTokenResource: o.expiredAccessToken.resource,
          accessTokenExpiresAt: expired,
        }),
      })),
    });
  }
  return rows;
}

/** `count` sandbox users in Fabrikam (`${prefix}0000@…`), each with `perBox` messages of ~`size`
 *  bytes in the INBOX and a refresh token for `scopes` (default IMAP), and a Consentry mailbox
 *  (receiving by `inbound`, default IMAP; due at `due`, default long ago; null: never polled) with
 *  its grant for each, all in one workspace, tenant and app. */
export async function fleet(
  sb: TBenchSandbox,
  opts: {
    count: number;
    prefix: string;
    perBox?: number;
    size?: number;
    inbound?: "imap" | "graph";
    scopes?: string[];
    due?: Date | null;
  },
) {
  const F = SEED.fabrikam;
  const perBox = opts.perBox ?? 0;
  const scopes = opts.scopes ?? [IMAP_SCOPE];
  const upns = Array.from({ length: opts.count }, (_, i) => `${opts.prefix}${String(i).padStart(4, "0")}@${F.domain}`);
  const ok = (r: { status: number; body: unknown }, what: string) => {
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as Record<string, unknown>;
  };
  const tokens = await pool(upns, 32, async (upn) => {
    const u = await sb.admin("POST", "/admin/users", { upn, password: "Bench-Passw0rd!", imapEnabled: true });
    if (u.status !== 409) ok(u, `sandbox user ${upn}`);
    if (perBox > 0)
      ok(
        perBox > 50
          ? await sb.admin("POST", `/admin/mail/mailboxes/${upn}/bulk-load`, { count: perBox, size: opts.size ?? 2048 })
          : await sb.admin("POST", `/admin/mail/mailboxes/${upn}/messages`, { generate: { count: perBox, size: opts.size ?? 2048 } }),
        `fill ${upn}`,
      );
    const t = ok(
      await sb.admin("POST", "/admin/tokens", { upn, clientId: F.clientId, scopes: [...scopes, "offline_access"] }),
      `token for ${upn}`,
    );
    return t.refresh_token as string;
  });
  const app = await benchApp(F);
  const boxes = await insertMailboxes(
    app,
    upns.map((address, i) => ({ address, refreshToken: tokens[i] })),
    { inbound: opts.inbound ?? "imap", scopes, due: opts.due === undefined ? new Date(0) : opts.due },
  );
  return { boxes, ids: boxes.map((b) => b.id), upns, workspaceId: app.workspaceId, tenantId: app.tenantId };
}
