// [FOUNDATION] Staff sign in, create a tenant, see it, edit it, delete it, sign out.
import { expect, test } from "@playwright/test";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";

const f = fixture();

test("[FOUNDATION] sign in, create a tenant, see it, edit, delete, sign out", async ({ page }) => {
  await signIn(page, f.users.admin, f.password, { fresh: true }); // this journey is the sign-in form
  await page.getByRole("link", { name: "Tenants", exact: true }).first().click();
  await expect(page).toHaveURL(/\/tenants$/);
  await page
    .getByRole("link", { name: /Add tenant/ })
    .first()
    .click();

  // Bad input is answered next to the field, not with an error page.
  await page.getByLabel("Display name").fill("Delta Industries");
  await page.getByLabel("Directory (tenant) ID").fill("not-a-guid");
  await page.getByRole("button", { name: "Add tenant" }).click();
  await expect(page.getByText(/GUID/).first()).toBeVisible();

  await page.getByLabel("Directory (tenant) ID").fill("5b1c6e2a-2f4d-4c1b-9d7e-3a2b1c0d9e8f");
  await page.getByLabel("Primary domain").fill("delta.example.com");
  await page.getByRole("button", { name: "Add tenant" }).click();
  await expect(page.getByRole("heading", { name: "Delta Industries" })).toBeVisible();

  await page.getByRole("link", { name: "Tenants", exact: true }).first().click();
  await expect(page.getByRole("link", { name: "Delta Industries" })).toBeVisible();
  await page.getByRole("link", { name: "Delta Industries" }).click();

  await page.getByLabel("Notes").fill("Onboarded by the e2e journey");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText(/saved/i).first()).toBeVisible();

  await page.getByRole("button", { name: "Delete tenant" }).click();
  await page.getByRole("dialog").getByRole("textbox").fill("Delta Industries");
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await expect(page).toHaveURL(/\/tenants$/);
  await expect(page.getByRole("link", { name: "Delta Industries" })).toHaveCount(0);

  // The audit log has the three changes.
  await page.goto("/settings/audit");
  await expect(page.getByText("tenant.create").first()).toBeVisible();
  await expect(page.getByText("tenant.delete").first()).toBeVisible();

  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/tenants");
  await expect(page).toHaveURL(/\/login/);
});

test("[FOUNDATION] a wrong password is refused with a clear message", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(f.users.support);
  await page.getByLabel("Password").fill("definitely-wrong");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText(/Wrong email or password/)).toBeVisible();
});
