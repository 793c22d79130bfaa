// Integration against real PostgreSQL (issue 9, findings 1 and 2): a tenant-limited admin or owner
// never widens a scope (its own, a new or existing staff member's, a key's, a webhook's), and never
// changes what serves every tenant (MSP apps, all-tenant webhooks and keys, workspace settings);
// reads of workspace-wide data are trimmed for it.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import type { TScope } from "./session";
import type { TRole } from "./permissions";
import { createStaff, removeStaff, updateStaff } from "../staff/manage-staff";
import { listStaff } from "../staff/list-staff";
import { ZStaffCreate } from "../staff/schemas";
import { createApiKey, listApiKeys, revokeApiKey, ZApiKeyCreate } from "../api-keys/api-keys";
import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listWebhooks,
  sendTestEvent,
  updateWebhook,
  ZWebhookCreate,
} from "../webhooks/webhooks";
import { getApp } from "../apps/get-app";
import { createApp } from "../apps/create-app";
import { deleteApp, updateApp } from "../apps/update-app";
import { rotateSecret, verifyApp } from "../apps/secrets";
import { alertSettingsFor, setAlertSettings } from "../notify/alerts";
import { notifierFor, setNotifier } from "../notify/notifier";
import { setRetention } from "../retention/retention";
import { listAudit, ZAuditQuery } from "../audit/list-audit";
import { sealValue } from "../crypto";
import { buildSupportBundle, ZBundleQuery } from "../support/support-bundle";

async function world() {
  const ws = await db().workspace.create({ data: { name: "Scopes", slug: `scopes-${randomUUID()}` } });
  const alpha = await db().tenant.create({ data: { workspaceId: ws.id, displayName: "Alpha", cloud: "global" } });
  const beta = await db().tenant.create({ data: { workspaceId: ws.id, displayName: "Beta", cloud: "global" } });
  const member = async (role: TRole, tenantIds: string[] | null): Promise<TScope & { membershipId: string }> => {
    const email = `${role}-${randomUUID().slice(0, 8)}@msp.test`;
    const u = await db().staffUser.create({ data: { email, name: role } });
    const m = await db().membership.create({
      data: { workspaceId: ws.id, staffUserId: u.id, role, hasAllTenants: !tenantIds, tenantIds: tenantIds ?? [] },
    });
    return {
      staffUserId: u.id,
      email,
      name: role,
      workspaceId: ws.id,
      workspaceName: ws.name,
      role,
      hasAllTenants: !tenantIds,
      tenantIds: tenantIds ?? [],
      membershipId: m.id,
    };
  };
  const owner = await member("owner", null);
  const admin = await member("admin", null);
  const limitedAdmin = await member("admin", [alpha.id]);
  const limitedOwner = await member("owner", [alpha.id]);
  const alphaTech = await member("technician", [alpha.id]);
  const betaTech = await member("technician", [beta.id]);
  const actor = (s: TScope) => ({ workspaceId: ws.id, staffUserId: s.staffUserId, email: s.email });
  return { ws, alpha, beta, owner, admin, limitedAdmin, limitedOwner, alphaTech, betaTech, actor };
}

const staffInput = (extra: Record<string, unknown>) =>
  ZStaffCreate.parse({
    email: `n-${randomUUID().slice(0, 8)}@msp.test`,
    name: "New",
    role: "technician",
    password: "long-enough-password",
    ...extra,
  });

describe("finding 1: a scope never widens", () => {
  it("nobody changes their own role, tenants or status (hasAllTenants:true on yourself is refused)", async () => {
    const w = await world();
    for (const me of [w.limitedAdmin, w.limitedOwner, w.admin]) {
      for (const input of [
        { hasAllTenants: true },
        { hasAllTenants: false, tenantIds: [w.alpha.id] },
        { tenantIds: [w.alpha.id, w.beta.id] },
        { role: "admin" as const },
        { isDisabled: false },
      ]) {
        await expect(updateStaff({ scope: me, membershipId: me.membershipId, input }), JSON.stringify(input)).rejects.toMatchObject({
          status: 403,
        });
      }
    }
    const row = await db().membership.findUniqueOrThrow({ where: { id: w.limitedAdmin.membershipId } });
    expect(row).toMatchObject({ hasAllTenants: false, tenantIds: [w.alpha.id], role: "admin" });
  });

  it("a limited admin creates only staff within its own tenants, and no role above its own", async () => {
    const w = await world();
    await expect(createStaff({ scope: w.limitedAdmin, input: staffInput({ hasAllTenants: true }) })).rejects.toMatchObject({ status: 403 });
    await expect(
      createStaff({ scope: w.limitedAdmin, input: staffInput({ hasAllTenants: false, tenantIds: [w.beta.id] }) }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      createStaff({ scope: w.limitedAdmin, input: staffInput({ hasAllTenants: false, tenantIds: [w.alpha.id, w.beta.id] }) }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      createStaff({ scope: w.limitedAdmin, input: staffInput({ role: "owner", hasAllTenants: false, tenantIds: [w.alpha.id] }) }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(createStaff({ scope: w.limitedOwner, input: staffInput({ role: "owner", hasAllTenants: true }) })).rejects.toMatchObject({
      status: 403,
    });
    const ok = await createStaff({
      scope: w.limitedAdmin,
      input: staffInput({ role: "admin", hasAllTenants: false, tenantIds: [w.alpha.id] }),
    });
    expect(await db().membership.findUniqueOrThrow({ where: { id: ok.membershipId } })).toMatchObject({
      hasAllTenants: false,
      tenantIds: [w.alpha.id],
    });
    // An all-tenant admin may still add all-tenant staff.
    await expect(createStaff({ scope: w.admin, input: staffInput({ hasAllTenants: true }) })).resolves.toBeTruthy();
  });

  it("hasAllTenants is required when creating staff, API keys and webhooks (a missing field never means every tenant)", () => {
    expect(ZStaffCreate.safeParse({ email: "a@b.test", name: "A", role: "support", password: "long-enough-password" }).success).toBe(false);
    expect(ZApiKeyCreate.safeParse({ name: "K", scopes: ["read"] }).success).toBe(false);
    expect(ZWebhookCreate.safeParse({ url: "https://hooks.example.com/x", events: ["message.received"] }).success).toBe(false);
  });

  it("a limited admin can't change or remove staff wider than itself, or widen anyone past its own tenants", async () => {
    const w = await world();
    // Wider: an all-tenant member is refused by name (403); a member of another tenant is foreign
    // and answers like a missing one (404).
    for (const [target, status] of [
      [w.admin, 403],
      [w.owner, 403],
      [w.betaTech, 404],
    ] as const) {
      await expect(
        updateStaff({ scope: w.limitedAdmin, membershipId: target.membershipId, input: { isDisabled: true } }),
      ).rejects.toMatchObject({ status });
      await expect(
        updateStaff({ scope: w.limitedAdmin, membershipId: target.membershipId, input: { role: "support" } }),
      ).rejects.toMatchObject({ status });
      await expect(removeStaff({ scope: w.limitedAdmin, membershipId: target.membershipId })).rejects.toMatchObject({ status });
    }
    // Within its tenants, but not to beyond them.
    await expect(
      updateStaff({ scope: w.limitedAdmin, membershipId: w.alphaTech.membershipId, input: { hasAllTenants: true } }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      updateStaff({
        scope: w.limitedAdmin,
        membershipId: w.alphaTech.membershipId,
        input: { hasAllTenants: false, tenantIds: [w.alpha.id, w.beta.id] },
      }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      updateStaff({ scope: w.limitedAdmin, membershipId: w.alphaTech.membershipId, input: { role: "owner" } }),
    ).rejects.toMatchObject({ status: 403 });
    expect(await db().membership.findUniqueOrThrow({ where: { id: w.alphaTech.membershipId } })).toMatchObject({
      hasAllTenants: false,
      tenantIds: [w.alpha.id],
      role: "technician",
    });
    expect(
      await db().staffUser.count({
        where: { id: { in: [w.admin.staffUserId, w.owner.staffUserId, w.betaTech.staffUserId] }, isDisabled: true },
      }),
    ).toBe(0);
    // What it may do: manage people within Alpha, up to its own role.
    await updateStaff({ scope: w.limitedAdmin, membershipId: w.alphaTech.membershipId, input: { role: "admin" } });
    await removeStaff({ scope: w.limitedAdmin, membershipId: w.alphaTech.membershipId });
  });

  it("API keys: a limited admin makes only keys within its tenants, revokes only its own, and doesn't see wider ones", async () => {
    const w = await world();
    const all = await createApiKey({
      workspaceId: w.ws.id,
      actor: w.actor(w.owner),
      scope: w.owner,
      input: ZApiKeyCreate.parse({ name: "All", scopes: ["read"], hasAllTenants: true }),
    });
    const ownersAlpha = await createApiKey({
      workspaceId: w.ws.id,
      actor: w.actor(w.owner),
      scope: w.owner,
      input: ZApiKeyCreate.parse({ name: "Owner's alpha", scopes: ["read"], hasAllTenants: false, tenantIds: [w.alpha.id] }),
    });
    await expect(
      createApiKey({
        workspaceId: w.ws.id,
        actor: w.actor(w.limitedAdmin),
        scope: w.limitedAdmin,
        input: ZApiKeyCreate.parse({ name: "Wide", scopes: ["read", "send"], hasAllTenants: true }),
      }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      createApiKey({
        workspaceId: w.ws.id,
        actor: w.actor(w.limitedAdmin),
        scope: w.limitedAdmin,
        input: ZApiKeyCreate.parse({ name: "Beta", scopes: ["read"], hasAllTenants: false, tenantIds: [w.beta.id] }),
      }),
    ).rejects.toMatchObject({ status: 403 });
    const mine = await createApiKey({
      workspaceId: w.ws.id,
      actor: w.actor(w.limitedAdmin),
      scope: w.limitedAdmin,
      input: ZApiKeyCreate.parse({ name: "Mine", scopes: ["read"], hasAllTenants: false, tenantIds: [w.alpha.id] }),
    });
    await expect(
      revokeApiKey({ workspaceId: w.ws.id, id: all.apiKey.id, actor: w.actor(w.limitedAdmin), scope: w.limitedAdmin }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      revokeApiKey({ workspaceId: w.ws.id, id: ownersAlpha.apiKey.id, actor: w.actor(w.limitedAdmin), scope: w.limitedAdmin }),
    ).rejects.toMatchObject({ status: 403 });
    // Another tenant's key is foreign: exactly like a missing one.
    const betaKey = await createApiKey({
      workspaceId: w.ws.id,
      actor: w.actor(w.owner),
      scope: w.owner,
      input: ZApiKeyCreate.parse({ name: "Owner's beta", scopes: ["read"], hasAllTenants: false, tenantIds: [w.beta.id] }),
    });
    const foreign = await revokeApiKey({
      workspaceId: w.ws.id,
      id: betaKey.apiKey.id,
      actor: w.actor(w.limitedAdmin),
      scope: w.limitedAdmin,
    }).catch((e: unknown) => e);
    const missing = await revokeApiKey({
      workspaceId: w.ws.id,
      id: crypto.randomUUID(),
      actor: w.actor(w.limitedAdmin),
      scope: w.limitedAdmin,
    }).catch((e: unknown) => e);
    expect(foreign).toMatchObject({ status: 404 });
    expect(foreign).toEqual(missing);
    expect(await db().apiKey.count({ where: { workspaceId: w.ws.id, revokedAt: { not: null } } })).toBe(0);
    const listed = await listApiKeys(w.ws.id, w.limitedAdmin);
    expect(listed.map((k) => [k.name, k.canRevoke])).toEqual([
      ["Mine", true],
      ["Owner's alpha", false],
    ]);
    await revokeApiKey({ workspaceId: w.ws.id, id: mine.apiKey.id, actor: w.actor(w.limitedAdmin), scope: w.limitedAdmin });
    await revokeApiKey({ workspaceId: w.ws.id, id: all.apiKey.id, actor: w.actor(w.admin), scope: w.admin });
  });

  it("webhooks: a limited admin creates only webhooks within its tenants and can't change all-tenant or other tenants' ones", async () => {
    const w = await world();
    const url = "https://hooks.example.com/consentry";
    const all = await createWebhook({
      workspaceId: w.ws.id,
      actor: w.actor(w.owner),
      scope: w.owner,
      input: ZWebhookCreate.parse({ url, events: ["message.received"], hasAllTenants: true }),
    });
    const beta = await createWebhook({
      workspaceId: w.ws.id,
      actor: w.actor(w.owner),
      scope: w.owner,
      input: ZWebhookCreate.parse({ url, events: ["message.received"], hasAllTenants: false, tenantIds: [w.beta.id] }),
    });
    const la = { workspaceId: w.ws.id, actor: w.actor(w.limitedAdmin), scope: w.limitedAdmin };
    await expect(
      createWebhook({ ...la, input: ZWebhookCreate.parse({ url, events: ["message.received"], hasAllTenants: true }) }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      createWebhook({
        ...la,
        input: ZWebhookCreate.parse({ url, events: ["message.received"], hasAllTenants: false, tenantIds: [w.alpha.id, w.beta.id] }),
      }),
    ).rejects.toMatchObject({ status: 403 });
    // An all-tenant endpoint is refused by name (403); another tenant's answers like a missing one (404).
    for (const [h, status] of [
      [all.webhook, 403],
      [beta.webhook, 404],
    ] as const) {
      await expect(updateWebhook({ ...la, id: h.id, input: { url: "https://attacker.example.com/steal" } })).rejects.toMatchObject({
        status,
      });
      await expect(sendTestEvent({ ...la, id: h.id })).rejects.toMatchObject({ status });
      await expect(deleteWebhook({ ...la, id: h.id })).rejects.toMatchObject({ status });
      await expect(listDeliveries(w.ws.id, h.id, w.limitedAdmin)).rejects.toMatchObject({ status: 404 });
    }
    expect((await db().webhookEndpoint.findUniqueOrThrow({ where: { id: all.webhook.id } })).url).toBe(url);
    const mine = await createWebhook({
      ...la,
      input: ZWebhookCreate.parse({ url, events: ["message.received"], hasAllTenants: false, tenantIds: [w.alpha.id] }),
    });
    expect((await listWebhooks(w.ws.id, w.limitedAdmin)).map((h) => h.id)).toEqual([mine.webhook.id]);
    await updateWebhook({ ...la, id: mine.webhook.id, input: { isEnabled: false } });
    expect((await listWebhooks(w.ws.id, w.owner)).length).toBe(3);
  });
});

describe("finding 2: what serves every tenant is changed only by an all-tenant owner or admin", () => {
  async function mspApp(w: Awaited<ReturnType<typeof world>>) {
    const override = "https://login.microsoftonline.com/organizations/oauth2/v2.0/token";
    return db().appRegistration.create({
      data: {
        workspaceId: w.ws.id,
        tenantId: null,
        kind: "multi_tenant",
        displayName: "MSP app",
        clientId: randomUUID(),
        tokenEndpointOverride: override,
        secrets: {
          create: {
            ...((id) => ({
              id,
              workspaceId: w.ws.id,
              sealedValue: sealValue("msp-secret-value", "client_secret", { workspaceId: w.ws.id, rowId: id }),
            }))(randomUUID()),
            last4: "alue",
            expiresAt: new Date(Date.now() + 90 * 86_400_000),
            status: "active",
          },
        },
      },
    });
  }

  it("a limited admin or owner reads the multi-tenant app but can't edit, repoint, delete, rotate or verify it", async () => {
    const w = await world();
    const app = await mspApp(w);
    for (const s of [w.limitedAdmin, w.limitedOwner]) {
      const ctx = { workspaceId: w.ws.id, appId: app.id, scope: s, actor: w.actor(s) };
      expect(await getApp({ workspaceId: w.ws.id, appId: app.id, scope: s })).toMatchObject({ id: app.id });
      await expect(updateApp({ ...ctx, input: { tokenEndpointOverride: "https://attacker.example.com/token" } })).rejects.toMatchObject({
        status: 403,
      });
      await expect(updateApp({ ...ctx, input: { displayName: "Renamed" } })).rejects.toMatchObject({ status: 403 });
      await expect(deleteApp(ctx)).rejects.toMatchObject({ status: 403 });
      await expect(
        rotateSecret({ ...ctx, value: "new-secret-value", expiresAt: new Date(Date.now() + 86_400_000 * 30), tenantId: w.alpha.id }),
      ).rejects.toMatchObject({ status: 403 });
      await expect(verifyApp({ ...ctx, tenantId: w.alpha.id })).rejects.toMatchObject({ status: 403 });
    }
    await expect(
      createApp({
        workspaceId: w.ws.id,
        actor: w.actor(w.limitedAdmin),
        scope: w.limitedAdmin,
        input: {
          tenantId: w.alpha.id,
          displayName: "Another MSP app",
          clientId: randomUUID(),
          kind: "multi_tenant",
          scopeProfile: "imap_smtp",
          defaultPrompt: "select_account",
          secret: { value: "x-secret", expiresAt: new Date(Date.now() + 86_400_000 * 30) },
        },
      }),
    ).rejects.toMatchObject({ status: 403 });
    const row = await db().appRegistration.findUniqueOrThrow({ where: { id: app.id }, include: { secrets: true } });
    expect(row).toMatchObject({ displayName: "MSP app", tokenEndpointOverride: app.tokenEndpointOverride, lastVerifiedAt: null });
    expect(row.secrets).toHaveLength(1);
    // The all-tenant admin can.
    await updateApp({
      workspaceId: w.ws.id,
      appId: app.id,
      scope: w.admin,
      actor: w.actor(w.admin),
      input: { displayName: "Renamed by admin" },
    });
    await deleteApp({ workspaceId: w.ws.id, appId: app.id, scope: w.admin, actor: w.actor(w.admin) });
  });

  it("workspace settings (alerts, retention, notifier) are changed only by an all-tenant owner or admin", async () => {
    const w = await world();
    for (const s of [w.limitedAdmin, w.limitedOwner]) {
      await expect(
        setAlertSettings({
          workspaceId: w.ws.id,
          actor: w.actor(s),
          scope: s,
          input: { recipients: ["attacker@evil.example"], kinds: ["mailbox"] },
        }),
      ).rejects.toMatchObject({ status: 403 });
      await expect(
        setRetention({ workspaceId: w.ws.id, actor: w.actor(s), scope: s, input: { messageRetentionDays: 7 } }),
      ).rejects.toMatchObject({ status: 403 });
      await expect(setNotifier({ scope: s, actor: w.actor(s), mailboxId: null })).rejects.toMatchObject({ status: 403 });
    }
    const ws = await db().workspace.findUniqueOrThrow({ where: { id: w.ws.id } });
    expect(ws.alertRecipients).toEqual([]);
    await setAlertSettings({
      workspaceId: w.ws.id,
      actor: w.actor(w.admin),
      scope: w.admin,
      input: { recipients: ["ops@msp.test"], kinds: ["mailbox"] },
    });
    await setRetention({ workspaceId: w.ws.id, actor: w.actor(w.owner), scope: w.owner, input: { messageRetentionDays: 90 } });
  });

  it("reads of workspace-wide data are trimmed for limited staff: staff list, alert recipients, notifier, audit", async () => {
    const w = await world();
    // Staff: a limited admin sees itself and the people within its tenants, nobody wider.
    const seen = (await listStaff({ workspaceId: w.ws.id, scope: w.limitedAdmin })).map((s) => s.email).sort();
    expect(seen).toEqual([w.limitedAdmin.email, w.limitedOwner.email, w.alphaTech.email].sort());
    expect((await listStaff({ workspaceId: w.ws.id, scope: w.owner })).length).toBe(6);
    // Alert recipients.
    await setAlertSettings({
      workspaceId: w.ws.id,
      actor: w.actor(w.owner),
      scope: w.owner,
      input: { recipients: ["ops@msp.test"], kinds: ["mailbox"] },
    });
    expect(await alertSettingsFor(w.limitedAdmin)).toMatchObject({
      recipients: [],
      defaultRecipients: [],
      recipientsHidden: true,
      kinds: ["mailbox"],
    });
    expect(await alertSettingsFor(w.owner)).toMatchObject({ recipients: ["ops@msp.test"], recipientsHidden: false });
    // Notifier in Beta: a limited Alpha admin learns only that one is set (not its address).
    const mb = await db().mailbox.create({
      data: { workspaceId: w.ws.id, tenantId: w.beta.id, address: "noreply@beta.example.com", state: "connected", outbound: "smtp" },
    });
    await db().workspace.update({ where: { id: w.ws.id }, data: { notifierMailboxId: mb.id } });
    expect(await notifierFor(w.limitedAdmin)).toEqual({
      id: null,
      address: null,
      tenantId: null,
      outbound: "smtp",
      state: "connected",
      tenant: null,
    });
    expect(await notifierFor(w.owner)).toMatchObject({ id: mb.id, tenantId: w.beta.id, tenant: { displayName: "Beta" } });
    // Audit: rows of other tenants, and tenantless rows somebody else wrote (settings.alerts above, staff.create), stay hidden.
    await db().auditEntry.createMany({
      data: [
        { workspaceId: w.ws.id, actorId: w.owner.staffUserId, actorEmail: w.owner.email, action: "staff.create", targetType: "staff" },
        {
          workspaceId: w.ws.id,
          actorId: w.owner.staffUserId,
          actorEmail: w.owner.email,
          action: "tenant.update",
          targetType: "tenant",
          tenantId: w.beta.id,
        },
        {
          workspaceId: w.ws.id,
          actorId: w.owner.staffUserId,
          actorEmail: w.owner.email,
          action: "tenant.update",
          targetType: "tenant",
          tenantId: w.alpha.id,
        },
        {
          workspaceId: w.ws.id,
          actorId: w.limitedAdmin.staffUserId,
          actorEmail: w.limitedAdmin.email,
          action: "api_key.create",
          targetType: "api_key",
        },
      ],
    });
    const { entries } = await listAudit({ workspaceId: w.ws.id, scope: w.limitedAdmin, query: ZAuditQuery.parse({}) });
    expect(
      entries.map((e) => `${e.action}:${e.tenantId === w.alpha.id ? "alpha" : e.tenantId === null ? "none" : "other"}`).sort(),
    ).toEqual(["api_key.create:none", "tenant.update:alpha"]);
    expect((await listAudit({ workspaceId: w.ws.id, scope: w.owner, query: ZAuditQuery.parse({}) })).entries.length).toBe(5);
    // The support bundle's audit section follows the same rule.
    const bundle = JSON.parse(await buildSupportBundle(w.limitedAdmin, ZBundleQuery.parse({}))) as { audit: { action: string }[] };
    expect(bundle.audit.map((a) => a.action).sort()).toEqual(["api_key.create", "tenant.update"]);
  });
});
