// The sandbox's Microsoft sign-in pages, as a person fills them in.
import { expect, type Page } from "@playwright/test";
import { fixture } from "./fixture";

export const SANDBOX_PASSWORD = "Passw0rd!";

export async function microsoftSignIn(page: Page, upn: string, expectHint?: string) {
  await expect(page.locator("#loginfmt")).toBeVisible();
  if (expectHint) await expect(page.locator("#loginfmt")).toHaveValue(expectHint);
  await page.locator("#loginfmt").fill(upn);
  await page.locator("#passwd").fill(SANDBOX_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Picks the sandbox tenant's own app registration on the Add mailbox form. The workspace also has a
 *  multi-tenant MSP app (seeded for the cross-tenant suites) that sorts first and that the sandbox
 *  tenants never registered, so the form's default would send Connect to an unknown client id. */
export async function selectTenantApp(page: Page, tenantId: string) {
  const own = Object.values(fixture().sandboxObjects).find((o) => o.tenant === tenantId);
  if (own) await page.getByLabel("App registration").selectOption(own.app);
}

/** Adds a user mailbox on a tenant's page and connects it, signing in as the mailbox itself.
 *  Returns the mailbox page's URL; the page is left on the result of Connect. */
export async function addAndConnectMailbox(page: Page, tenantId: string, address: string): Promise<string> {
  await page.goto(`/tenants/${tenantId}/mailboxes/new`);
  // The form is interactive once its apps have loaded (a fill before hydration would be lost).
  await expect(page.getByLabel("App registration").locator("option")).not.toHaveCount(0);
  await selectTenantApp(page, tenantId);
  await page.getByLabel("Mailbox address").fill(address);
  await page.getByRole("button", { name: "Add mailbox" }).click();
  await expect(page.getByRole("heading", { name: address })).toBeVisible();
  const url = page.url();
  await page.getByRole("button", { name: "Connect" }).click();
  await microsoftSignIn(page, address, address);
  // Microsoft asks for consent only the first time this user meets the app.
  if (
    await page
      .getByRole("button", { name: "Accept" })
      .isVisible()
      .catch(() => false)
  )
    await page.getByRole("button", { name: "Accept" }).click();
  return url;
}
