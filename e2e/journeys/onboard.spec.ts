// [ONBOARDING] Journey 1: an MSP admin onboards a tenant and its Azure app, then adds a mailbox
// and creates a consent link for its owner.
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";

const f = fixture();
// A whole journey (a real sign-in, tenant discovery, app registration, mailbox, consent page): its steps'
// waits add up past the default 60 s on a loaded machine.
test.slow(true, "a full journey");

test("[ONBOARDING] onboard a tenant and app; a pasted secret ID is caught; copy buttons work", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, f.users.admin);
  // By domain: Consentry asks the cloud's discovery for the directory ID. An unknown tenant is
  // refused at the field; a real one is saved with its GUID.
  await page.goto("/tenants/new");
  await page.getByLabel("Display name").fill("Northwind Traders");
  await page.getByLabel("Primary domain").fill("nosuch.onmicrosoft.com");
  await page.getByLabel("Cloud").selectOption("sandbox");
  await page.getByRole("button", { name: "Add tenant" }).click();
  await expect(page.getByText(/AADSTS90002: Tenant 'nosuch\.onmicrosoft\.com' not found/)).toBeVisible();
  await page.getByLabel("Primary domain").fill("northwind.onmicrosoft.com");
  await page.getByRole("button", { name: "Add tenant" }).click();
  await expect(page.getByRole("heading", { name: "Northwind Traders" })).toBeVisible();
  await expect(page.getByText("3f1c2a4e-6b7d-4c8e-9f10-aa11bb22cc03")).toBeVisible();

  await page.goto("/tenants/new");
  await page.getByLabel("Display name").fill("Epsilon Labs");
  await page.getByLabel("Primary domain").fill("epsilon.example.com");
  await page.getByLabel("Cloud").selectOption("global");
  await page.getByRole("button", { name: "Add tenant" }).click();
  await expect(page.getByRole("heading", { name: "Epsilon Labs" })).toBeVisible();

  await page.getByRole("link", { name: "Register app" }).first().click();
  const clientId = randomUUID();
  await page.getByLabel("Application (client) ID").fill(clientId);
  // The classic mistake: the secret's ID (a GUID) instead of its value.
  await page.getByLabel("Client secret value").fill(randomUUID());
  await expect(page.getByTestId("secret-warning-looks_like_secret_id")).toContainText("secret's ID, not its Value");

  // The redirect URI and permissions to paste into Azure, with working copy buttons.
  const redirect = page.getByTestId("redirect-uri");
  await expect(redirect).toContainText("/api/oauth/callback");
  await redirect.getByRole("button", { name: /Copy/ }).click();
  await expect(redirect.getByRole("button", { name: /Copy/ })).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/\/api\/oauth\/callback$/);
  await expect(page.getByTestId("permissions")).toContainText("IMAP.AccessAsUser.All");
  await expect(page.getByTestId("permissions")).toContainText("SMTP.Send");
  await page.getByLabel("Scope profile").selectOption("graph");
  await expect(page.getByTestId("permissions")).toContainText("Mail.ReadWrite");
  await page.getByLabel("Scope profile").selectOption("imap_smtp");

  // A pasted v1 endpoint is flagged with its v2 replacement.
  await page.getByLabel("Token endpoint override (optional)").fill("https://login.microsoftonline.com/common/oauth2/token");
  await expect(page.getByTestId("legacy-endpoint")).toContainText("oauth2/v2.0/token");
  await page.getByLabel("Token endpoint override (optional)").fill("");

  const secret = `Qx8~${randomUUID().replace(/-/g, "")}AbCd`;
  await page.getByLabel("Client secret value").fill(secret);
  await expect(page.getByTestId("secret-warning-looks_like_secret_id")).toHaveCount(0);
  await page.getByRole("button", { name: "Register app" }).click();
  await expect(page.getByText(clientId).first()).toBeVisible();
  await expect(page.getByText("…AbCd").first()).toBeVisible();
  expect(await page.content()).not.toContain(secret);

  // Add a mailbox and create a consent link for its owner.
  await page.getByRole("link", { name: "Epsilon Labs" }).click();
  await page.getByRole("link", { name: "Add mailbox" }).first().click();
  // The form is interactive once its apps have loaded (a fill before hydration would be lost).
  await expect(page.getByLabel("App registration").locator("option")).not.toHaveCount(0);
  // The app just registered (the workspace's multi-tenant MSP app is listed too, and sorts first).
  const apps = page.getByLabel("App registration");
  await apps.selectOption((await apps.locator("option", { hasText: clientId.slice(0, 8) }).getAttribute("value"))!);
  await page.getByLabel("Mailbox address").fill("helpdesk@epsilon.example.com");
  await page.getByLabel("After processing").selectOption("delete");
  await page.getByRole("button", { name: "Add mailbox" }).click();
  await expect(page.getByText(/Confirm that processed mail will be deleted/)).toBeVisible();
  await page.getByLabel("After processing").selectOption("keep");
  await page.getByRole("button", { name: "Add mailbox" }).click();
  await expect(page.getByRole("heading", { name: "helpdesk@epsilon.example.com" })).toBeVisible();
  await page.getByRole("button", { name: "Send consent link" }).click();
  const linkBox = page.getByTestId("consent-link");
  await expect(linkBox).toContainText("/consent/cu_");
  const url = (await linkBox.locator("code").textContent())!;
  await page.goto(new URL(url).pathname);
  await expect(page.getByTestId("expected-account")).toHaveText("helpdesk@epsilon.example.com");
  await expect(page.getByTestId("permission-list")).toContainText("IMAP.AccessAsUser.All");
  await expect(page.getByRole("button", { name: "Continue to Microsoft" })).toBeVisible();
});
