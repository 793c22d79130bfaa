// Signs in through the real login page.
import { expect, type Page } from "@playwright/test";
import { fixture } from "./fixture";

export async function signIn(page: Page, email: string, password = fixture().password) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("sign-out")).toBeVisible();
}
