// [SSO] Staff sign in with Microsoft (next-auth's Entra ID provider pointed at the Sandbox cloud):
// a staff member's Microsoft account reaches the dashboard; an account with no staff record is
// refused with a clear message.
import { expect, test } from "@playwright/test";
import { fixture } from "../support/fixture";
import { sandboxAdmin } from "../support/sandbox-admin";
import { microsoftSignIn } from "../support/microsoft";

const f = fixture();
test.skip(!f.sandbox, "the sandbox isn't part of this checkout");

test("[SSO] a staff member signs in with Microsoft; a stranger is refused", async ({ page, browser }) => {
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in with Microsoft" }).click();
  await microsoftSignIn(page, "admin@demomsp.onmicrosoft.com");
  if (await page.getByRole("button", { name: "Accept" }).isVisible().catch(() => false)) await page.getByRole("button", { name: "Accept" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByText("admin@demomsp.onmicrosoft.com")).toBeVisible();

  // A real account in the MSP's tenant, but nobody's staff account.
  await sandboxAdmin("POST", "/admin/users", { upn: "visitor@demomsp.onmicrosoft.com", password: "Passw0rd!" }).catch(() => undefined);
  const ctx = await browser.newContext();
  const p2 = await ctx.newPage();
  await p2.goto("/login");
  await p2.getByRole("button", { name: "Sign in with Microsoft" }).click();
  await microsoftSignIn(p2, "visitor@demomsp.onmicrosoft.com");
  if (await p2.getByRole("button", { name: "Accept" }).isVisible().catch(() => false)) await p2.getByRole("button", { name: "Accept" }).click();
  await expect(p2.getByText("Your Microsoft account has no Consentry staff account.")).toBeVisible();
  await p2.goto("/");
  await expect(p2).toHaveURL(/\/login/);
  await ctx.close();
});
