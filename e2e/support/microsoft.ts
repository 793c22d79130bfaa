// The sandbox's Microsoft sign-in pages, as a person fills them in.
import { expect, type Page } from "@playwright/test";

export const SANDBOX_PASSWORD = "Passw0rd!";

export async function microsoftSignIn(page: Page, upn: string, expectHint?: string) {
  await expect(page.locator("#loginfmt")).toBeVisible();
  if (expectHint) await expect(page.locator("#loginfmt")).toHaveValue(expectHint);
  await page.locator("#loginfmt").fill(upn);
  await page.locator("#passwd").fill(SANDBOX_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}
