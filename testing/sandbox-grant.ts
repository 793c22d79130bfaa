// Test fixtures: Consentry rows for a mailbox whose grant came from the running sandbox (a real
// refresh token minted through its admin API), in a workspace of its own.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { db } from "../lib/db/client";
import { sealValue } from "../lib/crypto";
import { resetEnvCache } from "../lib/env";
import { SEED } from "../sandbox/directory/seed";
import type { startTestSandbox } from "./start-test-sandbox";
import type { TScope } from "../lib/auth/session";

export type TTestSandbox = Awaited<ReturnType<typeof startTestSandbox>>;
type TSeedTenant = { id: string; domain: string; clientId: string; secret: string };
export const OUTLOOK = "https://outlook.office.com";
export const IMAP_SCOPE = `${OUTLOOK}/IMAP.AccessAsUser.All`;

/** Points Consentry's Sandbox cloud at a running test sandbox. */
export function useSandboxCloud(sb: TTestSandbox) {
  Object.assign(process.env, {
    SANDBOX_ENABLED: "true",
    SANDBOX_LOGIN_URL: sb.urls.identity,
    SANDBOX_GRAPH_URL: sb.urls.graph.replace(/\/v1\.0$/, ""),
    SANDBOX_IMAP_HOST: `localhost:${sb.ports.imap}`,
    SANDBOX_POP_HOST: `localhost:${sb.ports.pop}`,
    SANDBOX_SMTP_HOST: `localhost:${sb.ports.smtp}`,
  });
  resetEnvCache();
}

export type TGrantOpts = {
  tenant?: TSeedTenant;
  /** Who signed in (the token's user); defaults to the mailbox address. */
  signedIn?: string;
  scopes?: string[];
  mailbox?: {
    kind?: "user" | "shared";
    delegateUpn?: string;
    inbound?: "imap" | "pop" | "graph" | "none";
    outbound?: "smtp" | "graph" | "none";
    folder?: string;
    afterProcessing?: "keep" | "mark_read" | "move" | "delete";
    moveToFolder?: string;
  };
};

export async function mailboxWithSandboxGrant(sb: TTestSandbox, address: string, o: TGrantOpts = {}) {
  const t = o.tenant ?? SEED.contoso;
  const scopes = o.scopes ?? [IMAP_SCOPE];
  const signedIn = o.signedIn ?? address;
  const { ws, tenant, app } = await sandboxApp(t, { workspace: "Sandbox grant" });
  const mb = await db().mailbox.create({
    data: { workspaceId: ws.id, tenantId: tenant.id, appRegistrationId: app.id, address, state: "connected", ...o.mailbox },
  });
  const tok = await sb.admin("POST", "/admin/tokens", { upn: signedIn, clientId: t.clientId, scopes: [...scopes, "offline_access"] });
  if (tok.status !== 200) throw new Error(`sandbox refused to mint a token: ${JSON.stringify(tok.body)}`);
  await db().grant.create({
    data: {
      workspaceId: ws.id,
      tenantId: tenant.id,
      mailboxId: mb.id,
      upn: signedIn,
      oid: randomUUID(),
      tid: t.id,
      scopes,
      sealedRefreshToken: sealValue(tok.body.refresh_token, "refresh_token", { workspaceId: ws.id, rowId: mb.id }),
      refreshTokenIssuedAt: new Date(),
      lastRefreshAt: new Date(),
    },
  });
  const scope: TScope = {
    staffUserId: randomUUID(),
    email: "admin@msp.test",
    name: "Admin",
    workspaceId: ws.id,
    workspaceName: "Sandbox grant",
    role: "admin",
    hasAllTenants: true,
    tenantIds: [],
  };
  return {
    ctx: { workspaceId: ws.id, tenantId: tenant.id, mailboxId: mb.id },
    appId: app.id,
    scope,
    issued: [tok.body.refresh_token as string, tok.body.access_token as string],
  };
}

/** Starts a seeded sandbox for the test file, points the Sandbox cloud at it, and stops it after.
 *  Use `env.sb` inside tests (it exists once beforeAll has run). */
export function sandboxForFile() {
  const env = {} as { sb: TTestSandbox };
  beforeAll(async () => {
    const { startTestSandbox } = await import("./start-test-sandbox");
    env.sb = await startTestSandbox();
    useSandboxCloud(env.sb);
  });
  afterAll(() => env.sb?.stop());
  return env;
}

/** The newest `n` messages of a sandbox user's INBOX (raw MIME), read over real IMAP. */
export async function lastInboxMessages(sb: TTestSandbox, upn: string, clientId: string, n = 1): Promise<string[]> {
  const { ImapFlow } = await import("imapflow");
  const tok = await sb.admin("POST", "/admin/tokens", { upn, clientId, scopes: [IMAP_SCOPE] });
  const client = new ImapFlow({
    host: "localhost",
    port: sb.ports.imap,
    secure: true,
    auth: { user: upn, accessToken: tok.body.access_token },
    logger: false,
  });
  await client.connect();
  try {
    const lock = await client.getMailboxLock("INBOX");
    try {
      const exists = client.mailbox ? client.mailbox.exists : 0;
      if (!exists) return [];
      const out: string[] = [];
      for await (const m of client.fetch(`${Math.max(1, exists - n + 1)}:*`, { source: true })) out.push(m.source!.toString("utf8"));
      return out.reverse();
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

type TAppOnlyMailbox = {
  inbound?: "imap" | "pop" | "graph" | "none";
  outbound?: "smtp" | "graph" | "none";
  afterProcessing?: "keep" | "delete";
  state?: "connected" | "pending_consent";
};

/** A workspace with Northwind and the seeded daemon app (its client secret, or `secret`), then
 *  app-only mailboxes on it (connected unless `state` says otherwise). */
export async function appOnlyWorkspace(profile: "exchange_app_only" | "graph_app_only", secret: string = SEED.northwindDaemon.secret) {
  const { ws, tenant, app, secretId } = await sandboxApp(
    { ...SEED.northwind, clientId: SEED.northwindDaemon.clientId, secret },
    { workspace: "App-only", tenantName: "Northwind", appName: "Northwind mail daemon", scopeProfile: profile },
  );
  const mailbox = async (address: string, { state = "connected", ...io }: TAppOnlyMailbox = {}) => {
    const mb = await db().mailbox.create({
      data: { workspaceId: ws.id, tenantId: tenant.id, appRegistrationId: app.id, address, state, ...io },
    });
    return { workspaceId: ws.id, tenantId: tenant.id, mailboxId: mb.id };
  };
  return { ws, tenant, app, secretId, mailbox, ref: { workspaceId: ws.id, tenantId: tenant.id, appRegistrationId: app.id } };
}

/** A workspace of its own with the sandbox tenant `t` and its app registration (client secret
 *  sealed): what every fixture of a sandbox mailbox starts from (tests and the bench). */
export async function sandboxApp(
  t: TSeedTenant,
  o: { workspace?: string; tenantName?: string; appName?: string; scopeProfile?: "exchange_app_only" | "graph_app_only" } = {},
) {
  const ws = await db().workspace.create({ data: { name: o.workspace ?? "Sandbox", slug: `sb-${randomUUID()}` } });
  const tenant = await db().tenant.create({
    data: { workspaceId: ws.id, displayName: o.tenantName ?? t.domain, directoryId: t.id, primaryDomain: t.domain, cloud: "sandbox" },
  });
  const secretId = randomUUID();
  const app = await db().appRegistration.create({
    data: {
      workspaceId: ws.id,
      tenantId: tenant.id,
      displayName: o.appName ?? "App",
      clientId: t.clientId,
      ...(o.scopeProfile ? { scopeProfile: o.scopeProfile } : {}),
      secrets: {
        create: {
          id: secretId,
          workspaceId: ws.id,
          sealedValue: sealValue(t.secret, "client_secret", { workspaceId: ws.id, rowId: secretId }),
          last4: t.secret.slice(-4),
          expiresAt: new Date(Date.now() + 86_400_000 * 300),
          status: "active",
        },
      },
    },
  });
  return { ws, tenant, app, secretId };
}
