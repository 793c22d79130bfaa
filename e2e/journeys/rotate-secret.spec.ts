// [SECRETS] Journey 5: an MSP admin rotates a client secret; Consentry verifies the new value
// before the swap, and the mailbox's grant keeps refreshing after the old secret dies.
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";
import { sandboxAdmin } from "../support/sandbox-admin";

const f = fixture();
test.skip(!f.sandbox, "the sandbox isn't part of this checkout");

const CONTOSO_APP = "5a0e1111-2222-4333-8444-00000000c001";

test("[SECRETS] rotate a secret while the grant keeps refreshing", async ({ page }) => {
  const s = f.sandboxObjects.contoso;
  await signIn(page, f.users.owner);
  await page.goto(`/tenants/${s.tenant}/mailboxes/${s.helpdesk}`);
  await page.getByRole("button", { name: /^(Connect|Re-connect)$/ }).click();
  await page.locator("#loginfmt").fill("helpdesk@contoso.onmicrosoft.com");
  await page.locator("#passwd").fill("Passw0rd!");
  await page.getByRole("button", { name: "Sign in" }).click();
  const accept = page.getByRole("button", { name: "Accept" });
  if (await accept.isVisible({ timeout: 2000 }).catch(() => false)) await accept.click();
  await expect(page.getByTestId("connected-banner")).toBeVisible();

  // A pasted secret ID is proven wrong against Microsoft and never replaces the working secret.
  await page.goto(`/tenants/${s.tenant}/apps/${s.app}`);
  await page.getByLabel("New client secret value").fill(randomUUID());
  await page.getByRole("button", { name: "Verify and swap" }).click();
  await expect(page.getByTestId("diagnosis")).toContainText("secret_invalid");

  const fresh = await sandboxAdmin("POST", `/admin/apps/${CONTOSO_APP}/secrets`, { expiresInDays: 180 });
  await page.getByLabel("New client secret value").fill(fresh.value);
  await page.getByRole("button", { name: "Verify and swap" }).click();
  await expect(page.getByText(`…${fresh.value.slice(-4)}`).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: "retired" }).first()).toBeVisible();

  // The old secret expires at Microsoft; the mailbox refreshes with the new one.
  const state = await sandboxAdmin("GET", "/admin/state");
  const old = state.apps
    .find((a: { clientId: string }) => a.clientId === CONTOSO_APP)
    .secrets.find((x: { id: string }) => x.id !== fresh.id);
  await sandboxAdmin("POST", `/admin/apps/${CONTOSO_APP}/secrets/${old.id}/expire`);
  await page.goto(`/tenants/${s.tenant}/mailboxes/${s.helpdesk}`);
  await page.getByRole("button", { name: "Refresh token now" }).click();
  await expect(page.getByTestId("refresh-ok")).toBeVisible();
  await expect(page.getByTestId("token-panel")).toContainText("helpdesk@contoso.onmicrosoft.com");
});
