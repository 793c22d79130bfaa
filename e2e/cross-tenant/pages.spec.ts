// [CROSS-TENANT] Pages: a technician limited to Alpha can't open Beta or another workspace's tenant.
import { expect, test } from "@playwright/test";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";

const f = fixture();

test("[CROSS-TENANT] a limited technician sees only Alpha and gets 404 pages for the rest", async ({ page }) => {
  await signIn(page, f.users.tech);
  await page.goto("/tenants");
  await expect(page.getByRole("link", { name: "Alpha Corp" })).toBeVisible();
  await expect(page.getByText("Beta LLC")).toHaveCount(0);
  await expect(page.getByText("Gamma GmbH")).toHaveCount(0);
  for (const id of [f.workspaceA.tenants.beta, f.workspaceB.tenants.gamma, "00000000-0000-4000-8000-000000000000"]) {
    const res = await page.goto(`/tenants/${id}`);
    expect(res?.status()).toBe(404);
    await expect(page.getByText("Beta LLC")).toHaveCount(0);
    await expect(page.getByText("Gamma GmbH")).toHaveCount(0);
  }
  const own = await page.goto(`/tenants/${f.workspaceA.tenants.alpha}`);
  expect(own?.status()).toBe(200);
  // A technician can't edit tenants: no delete button for them.
  await expect(page.getByRole("button", { name: "Delete tenant" })).toHaveCount(0);
});

test("[CROSS-TENANT] another workspace's owner gets 404 for this workspace's tenant pages", async ({ page }) => {
  await signIn(page, f.users.otherOwner);
  const res = await page.goto(`/tenants/${f.workspaceA.tenants.alpha}`);
  expect(res?.status()).toBe(404);
  await expect(page.getByText("Alpha Corp")).toHaveCount(0);
});

test("[CROSS-TENANT] support sees no mutation buttons", async ({ page }) => {
  await signIn(page, f.users.support);
  await page.goto(`/tenants/${f.workspaceA.tenants.beta}`);
  await expect(page.getByRole("button", { name: "Delete tenant" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Save changes" })).toHaveCount(0);
});

test("[CROSS-TENANT] the event log names no other tenant, and a foreign tenant filter is not found", async ({ page }) => {
  await signIn(page, f.users.tech);
  await page.goto("/events");
  await expect(page.getByRole("heading", { name: "Event log" })).toBeVisible();
  await expect(page.getByLabel("Tenant").locator("option")).toHaveText(["All tenants", "Alpha Corp"]);
  await page.goto(`/events?tenantId=${f.workspaceA.tenants.beta}`);
  await expect(page.getByText("The event log could not be loaded")).toBeVisible();
  await expect(page.getByText("Tenant not found")).toBeVisible();
  await expect(page.getByText("Beta LLC")).toHaveCount(0);
});

test("[CROSS-TENANT] a folder shared with another tenant's configuration is flagged only to who can see both", async ({ page, browser }) => {
  const { apiAs } = await import("../support/api-session");
  const owner = await apiAs(f.users.owner);
  // A "test" setup of Alpha's helpdesk, filed under Beta, that deletes what it processes.
  const r = await owner.post(`/api/tenants/${f.workspaceA.tenants.beta}/mailboxes`, {
    data: { address: "helpdesk@alpha.example.com", kind: "user", appRegistrationId: f.objects.beta.app, inbound: "imap", outbound: "smtp", afterProcessing: "delete", confirmDelete: true },
  });
  expect(r.status()).toBe(201);
  const { mailbox } = await r.json();
  try {
    await signIn(page, f.users.owner);
    await page.goto(`/tenants/${f.workspaceA.tenants.alpha}/mailboxes/${f.objects.alpha.mailbox}`);
    await expect(page.getByTestId("folder-conflict")).toContainText("Beta LLC");
    await expect(page.getByTestId("folder-conflict")).toContainText("delete");
    const techCtx = await browser.newContext();
    const tp = await techCtx.newPage();
    await signIn(tp, f.users.tech);
    await tp.goto(`/tenants/${f.workspaceA.tenants.alpha}/mailboxes/${f.objects.alpha.mailbox}`);
    await expect(tp.getByRole("heading", { name: "helpdesk@alpha.example.com" })).toBeVisible();
    await expect(tp.getByTestId("folder-conflict")).toHaveCount(0);
    await expect(tp.getByText("Beta LLC")).toHaveCount(0);
    await techCtx.close();
  } finally {
    await owner.delete(`/api/tenants/${f.workspaceA.tenants.beta}/mailboxes/${mailbox.id}`);
  }
});

test("[SECURITY] pages carry a Content-Security-Policy and refuse framing", async ({ page }) => {
  const res = await page.goto("/login");
  const h = res!.headers();
  expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(h["content-security-policy"]).toContain("script-src 'self'");
  expect(h["x-frame-options"]).toBe("DENY");
  expect(h["x-content-type-options"]).toBe("nosniff");
});
