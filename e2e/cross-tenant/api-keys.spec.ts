// [CROSS-TENANT] The REST API: a key reaches only its workspace and its tenants, a read-only key
// can't send, staff sessions don't work as keys, and only owners and admins make keys (never wider
// than their own reach).
import { randomUUID } from "node:crypto";
import { expect, request, test } from "@playwright/test";
import { apiAs } from "../support/api-session";
import { fixture } from "../support/fixture";

const f = fixture();
const { alpha, beta } = f.workspaceA.tenants;

async function makeKey(email: string, body: Record<string, unknown>) {
  const staff = await apiAs(email);
  const r = await staff.post("/api/api-keys", {
    data: { name: `k-${randomUUID().slice(0, 6)}`, scopes: ["read", "send"], hasAllTenants: true, ...body },
  });
  return { status: r.status(), json: await r.json() };
}
const withKey = (key: string) => request.newContext({ baseURL: f.baseUrl, extraHTTPHeaders: { authorization: `Bearer ${key}` } });

test("[CROSS-TENANT] a key limited to Alpha sees Alpha only; other tenants and workspaces are not found", async () => {
  const { json } = await makeKey(f.users.owner, { hasAllTenants: false, tenantIds: [alpha], scopes: ["read", "send"] });
  const api = await withKey(json.key);
  const { mailboxes } = await (await api.get("/api/v1/mailboxes")).json();
  expect(new Set(mailboxes.map((m: { tenantId: string }) => m.tenantId))).toEqual(new Set([alpha]));
  const missing = await (await api.get(`/api/v1/mailboxes/${randomUUID()}`)).json();
  for (const mb of [f.objects.beta.mailbox, f.objects.gamma.mailbox]) {
    for (const path of [`/api/v1/mailboxes/${mb}`, `/api/v1/mailboxes/${mb}/messages`]) {
      const r = await api.get(path);
      expect(r.status(), path).toBe(404);
      expect(await r.json()).toEqual(missing);
    }
    expect((await api.post(`/api/v1/mailboxes/${mb}/send`, { data: { to: ["a@example.com"], text: "x" } })).status()).toBe(404);
  }
  expect((await api.get(`/api/v1/mailboxes?tenantId=${beta}`)).status()).toBe(404);
  expect((await api.get(`/api/v1/mailboxes?tenantId=${f.workspaceB.tenants.gamma}`)).status()).toBe(404);
  for (const path of [`/api/v1/messages/${randomUUID()}`, `/api/v1/messages/${randomUUID()}/raw`, `/api/v1/outbound/${randomUUID()}`])
    expect((await api.get(path)).status()).toBe(404);
  const status = await (await api.get("/api/v1/status")).json();
  expect(JSON.stringify(status)).not.toContain("Beta LLC");
  // The other workspace's key sees none of this workspace.
  const other = await makeKey(f.users.otherOwner, {});
  const o = await withKey(other.json.key);
  expect((await o.get(`/api/v1/mailboxes/${f.objects.alpha.mailbox}`)).status()).toBe(404);
  expect(JSON.stringify(await (await o.get("/api/v1/mailboxes")).json())).not.toContain("alpha.example.com");
});

test("[CROSS-TENANT] a read-only key can't send; no key, a bad key or a staff session get 401", async () => {
  const { json } = await makeKey(f.users.owner, { scopes: ["read"] });
  const ro = await withKey(json.key);
  const send = await ro.post(`/api/v1/mailboxes/${f.objects.alpha.mailbox}/send`, { data: { to: ["a@example.com"], text: "x" } });
  expect(send.status()).toBe(403);
  expect((await send.json()).error.message).toContain('"send"');
  const anon = await request.newContext({ baseURL: f.baseUrl });
  expect((await anon.get("/api/v1/status")).status()).toBe(401);
  const forged = await withKey(`csk_${"A".repeat(32)}`);
  expect((await forged.get("/api/v1/status")).status()).toBe(401);
  const staff = await apiAs(f.users.owner);
  expect((await staff.get("/api/v1/mailboxes")).status()).toBe(401);
});

test("[CROSS-TENANT] only owners and admins make keys, and never wider than themselves", async () => {
  expect((await makeKey(f.users.tech, { hasAllTenants: false, tenantIds: [alpha] })).status).toBe(403);
  expect((await makeKey(f.users.support, {})).status).toBe(403);
  const tech = await apiAs(f.users.tech);
  expect((await tech.get("/api/api-keys")).status()).toBe(403);
  const foreign = await makeKey(f.users.owner, { hasAllTenants: false, tenantIds: [f.workspaceB.tenants.gamma] });
  expect(foreign.status).toBe(400);
  expect(foreign.json.error.fields.tenantIds).toBeTruthy();
  const owner = await apiAs(f.users.owner);
  const { apiKeys } = await (await owner.get("/api/api-keys")).json();
  expect(JSON.stringify(apiKeys)).not.toMatch(/csk_[A-Za-z0-9_-]{32}/);
  expect(JSON.stringify(apiKeys)).not.toContain("keyHash");
  const other = await apiAs(f.users.otherOwner);
  expect((await other.delete(`/api/api-keys/${apiKeys[0].id}`)).status()).toBe(404);
});

test("[CROSS-TENANT] a mailbox's outbox and its actions stay inside the tenant limit", async () => {
  const tech = await apiAs(f.users.tech);
  const beta = f.objects.beta.mailbox;
  expect((await tech.get(`/api/tenants/${f.workspaceA.tenants.beta}/mailboxes/${beta}/outbound`)).status()).toBe(404);
  expect(
    (
      await tech.post(`/api/tenants/${f.workspaceA.tenants.beta}/mailboxes/${beta}/outbound`, {
        data: { to: ["a@example.com"], text: "x" },
      })
    ).status(),
  ).toBe(404);
  expect(
    (
      await tech.patch(`/api/tenants/${f.workspaceA.tenants.beta}/mailboxes/${beta}/outbound/${randomUUID()}`, {
        data: { action: "retry" },
      })
    ).status(),
  ).toBe(404);
  // A mailbox of another tenant under an allowed tenant's path is not found either.
  expect((await tech.get(`/api/tenants/${alpha}/mailboxes/${beta}/outbound`)).status()).toBe(404);
  expect((await tech.post(`/api/tenants/${f.workspaceA.tenants.beta}/mailboxes/${beta}/sync`)).status()).toBe(404);
  expect((await tech.post(`/api/tenants/${alpha}/mailboxes/${beta}/sync`)).status()).toBe(404);
  const support = await apiAs(f.users.support);
  expect((await support.post(`/api/tenants/${alpha}/mailboxes/${f.objects.alpha.mailbox}/sync`)).status()).toBe(403);
  expect(
    (
      await support.post(`/api/tenants/${alpha}/mailboxes/${f.objects.alpha.mailbox}/outbound`, {
        data: { to: ["a@example.com"], text: "x" },
      })
    ).status(),
  ).toBe(403);
  expect((await support.get(`/api/tenants/${alpha}/mailboxes/${f.objects.alpha.mailbox}/outbound`)).status()).toBe(200);
});

test("[CROSS-TENANT] webhooks: only owners and admins, only their workspace", async () => {
  const owner = await apiAs(f.users.owner);
  const created = await owner.post("/api/webhooks", {
    data: { url: "https://hooks.example.com/acme", events: ["mailbox.state_changed"], hasAllTenants: true },
  });
  expect(created.status()).toBe(201);
  const { webhook, secret } = await created.json();
  const { webhooks } = await (await owner.get("/api/webhooks")).json();
  expect(JSON.stringify(webhooks)).not.toContain(secret);
  expect(JSON.stringify(webhooks)).not.toContain("sealedSecret");
  const other = await apiAs(f.users.otherOwner);
  expect((await other.get(`/api/webhooks/${webhook.id}`)).status()).toBe(404);
  expect((await other.patch(`/api/webhooks/${webhook.id}`, { data: { isEnabled: false } })).status()).toBe(404);
  expect((await other.post(`/api/webhooks/${webhook.id}/test`)).status()).toBe(404);
  expect((await other.delete(`/api/webhooks/${webhook.id}`)).status()).toBe(404);
  expect(JSON.stringify(await (await other.get("/api/webhooks")).json())).not.toContain("hooks.example.com/acme");
  const tech = await apiAs(f.users.tech);
  expect((await tech.get("/api/webhooks")).status()).toBe(403);
  expect(
    (
      await tech.post("/api/webhooks", {
        data: { url: "https://x.example.com", events: ["message.received"], hasAllTenants: false, tenantIds: [alpha] },
      })
    ).status(),
  ).toBe(403);
  const bad = await owner.post("/api/webhooks", {
    data: { url: "https://169.254.169.254/latest/meta-data", events: ["message.received"], hasAllTenants: true },
  });
  expect(bad.status()).toBe(201); // the e2e stack allows private targets for its loopback receiver
  expect((await owner.post("/api/webhooks", { data: { url: "https://x.example.com", events: [], hasAllTenants: true } })).status()).toBe(
    400,
  );
  expect(
    (await owner.post("/api/webhooks", { data: { url: "https://x.example.com", events: ["mail.deleted"], hasAllTenants: true } })).status(),
  ).toBe(400);
  await owner.delete(`/api/webhooks/${(await bad.json()).webhook.id}`);
  expect((await owner.delete(`/api/webhooks/${webhook.id}`)).status()).toBe(204);
});
