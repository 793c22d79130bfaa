// Integration (real PostgreSQL): editing an app registration. A new scope profile on an app that
// mailboxes use needs confirmProfileChange (their grants stay; their next consent asks for the new
// permissions); overrides keep the trusted-host check; the audit line names the profile change.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import type { TScope } from "../auth/session";
import { auditActor } from "../audit/write-audit";
import { ZAppUpdate } from "./schemas";
import { updateApp } from "./update-app";

async function setup(withMailbox: boolean) {
  const ws = await db().workspace.create({ data: { name: "Apps", slug: `apps-${randomUUID()}` } });
  const t = await db().tenant.create({ data: { workspaceId: ws.id, displayName: "T", primaryDomain: "t.example.com", cloud: "global" } });
  const app = await db().appRegistration.create({ data: { workspaceId: ws.id, tenantId: t.id, displayName: "A", clientId: randomUUID() } });
  if (withMailbox)
    await db().mailbox.create({ data: { workspaceId: ws.id, tenantId: t.id, appRegistrationId: app.id, address: "a@t.example.com" } });
  const scope: TScope = {
    staffUserId: randomUUID(),
    email: "owner@msp.test",
    name: "Owner",
    workspaceId: ws.id,
    workspaceName: "Apps",
    role: "owner",
    hasAllTenants: true,
    tenantIds: [],
  };
  const edit = async (input: Record<string, unknown>) =>
    updateApp({ workspaceId: ws.id, appId: app.id, scope, actor: auditActor(scope), input: ZAppUpdate.parse(input) });
  return { ws, app, edit };
}

describe("edit an app registration", () => {
  it("a new profile on an app in use needs confirming; the audit line names it", async () => {
    const { ws, edit } = await setup(true);
    await expect(edit({ scopeProfile: "graph" })).rejects.toMatchObject({
      status: 409,
      fields: { confirmProfileChange: expect.any(String) },
    });
    expect(await edit({ scopeProfile: "graph", defaultPrompt: "consent", confirmProfileChange: true })).toMatchObject({
      scopeProfile: "graph",
      defaultPrompt: "consent",
    });
    const a = await db().auditEntry.findFirstOrThrow({ where: { workspaceId: ws.id, action: "app.update" } });
    expect(a.detail).toEqual({ fields: ["scopeProfile", "defaultPrompt"], scopeProfile: { from: "imap_smtp", to: "graph" } });
  });

  it("an unused app changes profile at once; overrides keep the trusted-host check", async () => {
    const { edit } = await setup(false);
    expect(await edit({ scopeProfile: "pop_smtp", displayName: "Renamed" })).toMatchObject({
      scopeProfile: "pop_smtp",
      displayName: "Renamed",
    });
    await expect(edit({ tokenEndpointOverride: "https://attacker.example.com/tenant/oauth2/v2.0/token" })).rejects.toMatchObject({
      status: 400,
    });
    expect(ZAppUpdate.safeParse({ authorityOverride: "javascript:alert(1)" }).success).toBe(false);
  });
});
