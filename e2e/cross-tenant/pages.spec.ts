// [CROSS-TENANT] Pages: a technician limited to Alpha can't open Beta or another workspace's tenant.
import { expect, test } from "@playwright/test";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";
import { apiAs } from "../support/api-session";

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

test("[CROSS-TENANT] a folder shared with another tenant's configuration is flagged only to who can see both", async ({
  page,
  browser,
}) => {
  const { apiAs } = await import("../support/api-session");
  const owner = await apiAs(f.users.owner);
  // A "test" setup of Alpha's helpdesk, filed under Beta, that deletes what it processes.
  const r = await owner.post(`/api/tenants/${f.workspaceA.tenants.beta}/mailboxes`, {
    data: {
      address: "helpdesk@alpha.example.com",
      kind: "user",
      appRegistrationId: f.objects.beta.app,
      inbound: "imap",
      outbound: "smtp",
      afterProcessing: "delete",
      confirmDelete: true,
    },
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

// Issue 9, findings 1 and 2: a tenant-limited admin sees why a control is missing, not a failed submit.
test("[CROSS-TENANT] a limited admin's pages hide what it can't change, with the reason", async ({ page }) => {
  const owner = await apiAs(f.users.owner);
  const made = await owner.post("/api/apps", {
    data: {
      tenantId: null,
      displayName: "Acme MSP app (pages e2e)",
      clientId: crypto.randomUUID(),
      kind: "multi_tenant",
      scopeProfile: "imap_smtp",
      secret: { value: `msp-${crypto.randomUUID()}`, expiresAt: new Date(Date.now() + 200 * 86_400_000).toISOString() },
    },
  });
  expect(made.status()).toBe(201);
  const msp = (await made.json()).app.id as string;
  try {
    await signIn(page, f.users.limitedAdmin);
    await page.goto(`/tenants/${f.workspaceA.tenants.alpha}/apps/${msp}`);
    await expect(page.getByTestId("app-locked")).toContainText("only an owner or admin who sees all tenants");
    await expect(page.getByRole("button", { name: "Verify app" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Delete app registration" })).toHaveCount(0);
    await expect(page.getByText("Rotate secret")).toHaveCount(0);
    // Alpha's own app keeps its controls.
    await page.goto(`/tenants/${f.workspaceA.tenants.alpha}/apps/${f.objects.alpha.app}`);
    await expect(page.getByRole("button", { name: "Delete app registration" })).toBeVisible();
    // Staff: all-tenant members aren't listed; its own row says why it can't be changed; no "All tenants" choice.
    await page.goto("/settings/staff");
    await expect(page.getByText(f.users.tech, { exact: true })).toBeVisible();
    await expect(page.getByText(f.users.owner, { exact: true })).toHaveCount(0);
    await expect(page.getByTestId("staff-locked").first()).toBeVisible();
    await page.getByRole("button", { name: "Add staff member" }).first().click();
    await expect(page.getByLabel("All tenants")).toHaveCount(0);
    await expect(page.getByRole("option", { name: /^owner: / })).toHaveCount(0);
    // Workspace settings: the reason instead of a control that would fail.
    await page.goto("/settings/data");
    await expect(page.getByTestId("retention-locked")).toBeVisible();
    await expect(page.getByRole("button", { name: "Save" })).toBeDisabled();
    await page.goto("/settings/notifications");
    await expect(page.getByTestId("notifications-locked")).toBeVisible();
  } finally {
    expect((await owner.delete(`/api/apps/${msp}`)).status()).toBe(204);
  }
});
