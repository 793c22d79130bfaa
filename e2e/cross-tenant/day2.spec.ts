// [CROSS-TENANT] Day-2 operations stay inside the caller's tenants: a tenant-limited admin's CSV
// import can't add tenants or reach another tenant (an existing foreign tenant reads exactly like a
// missing one), its consent-link list and bulk links refuse a foreign tenant like a missing one,
// and pausing another tenant's mailbox is a 404 that changes nothing.
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { apiAs } from "../support/api-session";
import { fixture } from "../support/fixture";

const f = fixture();
const { alpha, beta } = f.workspaceA.tenants;

test("[CROSS-TENANT] bulk import stays inside the caller's tenants", async () => {
  const api = await apiAs(f.users.limitedAdmin);
  const header = "tenant,mailbox,client_id";
  const csv = (tenant: string) => `${header}\n${tenant},x-${randomUUID().slice(0, 6)}@example.com,${randomUUID()}\n`;
  const plan = async (tenant: string) =>
    (await (await api.post("/api/onboarding/import", { data: { csv: csv(tenant), mode: "dry_run" } })).json()).plan;
  const foreign = await plan("Beta LLC");
  const missing = await plan("Nowhere Ltd");
  expect(foreign.problems).toHaveLength(1);
  expect(foreign.problems[0]).toMatchObject({ line: 2, column: "tenant" });
  expect(foreign.problems[0].message.replace("Beta LLC", "X")).toBe(missing.problems[0].message.replace("Nowhere Ltd", "X"));
  const other = await plan("Gamma GmbH");
  expect(other.problems[0].message.replace("Gamma GmbH", "X")).toBe(missing.problems[0].message.replace("Nowhere Ltd", "X"));
  const created = await api.post("/api/onboarding/import", { data: { csv: csv("Beta LLC"), mode: "create" } });
  expect(created.status()).toBe(422);
  expect(JSON.stringify(await created.json())).not.toContain(beta);
  await api.dispose();
});

test("[CROSS-TENANT] consent-link lists, bulk links and pause refuse a foreign tenant like a missing one", async () => {
  const api = await apiAs(f.users.limitedAdmin);
  const answer = async (method: "get" | "post" | "delete", url: string, data?: unknown) => {
    const r = await api[method](url, data ? { data } : {});
    return { status: r.status(), body: await r.text() };
  };
  const missing = randomUUID();
  expect(await answer("get", `/api/tenants/${beta}/consent-links`)).toEqual(await answer("get", `/api/tenants/${missing}/consent-links`));
  expect((await answer("get", `/api/tenants/${beta}/consent-links`)).status).toBe(404);
  expect(await answer("post", "/api/onboarding/consent-links", { tenantIds: [beta] })).toEqual(
    await answer("post", "/api/onboarding/consent-links", { tenantIds: [missing] }),
  );
  expect((await answer("post", "/api/onboarding/consent-links", { tenantIds: [alpha, beta] })).status).toBe(404);
  expect((await answer("post", `/api/tenants/${beta}/mailboxes/${f.objects.beta.mailbox}/pause`)).status).toBe(404);
  const owner = await apiAs(f.users.owner);
  const b = await (await owner.get(`/api/tenants/${beta}/mailboxes/${f.objects.beta.mailbox}`)).json();
  expect(b.mailbox.state).not.toBe("disabled");
  await owner.dispose();
  await api.dispose();
});
