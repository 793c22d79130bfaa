// [SHARED] Journey 4: a technician adds a shared mailbox with its delegate, the delegate signs in,
// and the connection test checks IMAP as the shared address and sending as it (SendAs); when the
// delegate loses SendAs, the test names the missing permission and the command that grants it.
import { expect, test } from "@playwright/test";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";
import { sandboxAdmin } from "../support/sandbox-admin";
import { microsoftSignIn, selectTenantApp } from "../support/microsoft";

const f = fixture();
test.skip(!f.sandbox, "the sandbox isn't part of this checkout");
// A whole journey (sign-ins with scrypt at OWASP's cost, Microsoft sign-in, worker syncs and sends): its
// steps' own waits add up past the default 60 s on a loaded machine.
test.slow(true, "a full journey against the sandbox and a worker");

test("[SHARED] connect a shared mailbox through its delegate; SendAs is tested by a real send", async ({ page }) => {
  const fab = f.sandboxObjects.fabrikam;
  await signIn(page, f.users.owner);
  await page.goto(`/tenants/${fab.tenant}/mailboxes/new`);
  // The form is interactive once its apps have loaded (a fill before hydration would be lost).
  await expect(page.getByLabel("App registration").locator("option")).not.toHaveCount(0);
  await selectTenantApp(page, fab.tenant);
  await page.getByLabel("Mailbox address").fill("support@fabrikam.onmicrosoft.com");
  await page.getByLabel("Kind").selectOption("shared");
  await expect(page.getByText("needs FullAccess on it to read")).toBeVisible();
  await page.getByLabel("Delegate (who signs in)").fill("it@fabrikam.onmicrosoft.com");
  await page.getByRole("button", { name: "Add mailbox" }).click();
  await expect(page.getByRole("heading", { name: "support@fabrikam.onmicrosoft.com" })).toBeVisible();
  await expect(page.getByText("Shared mailbox · delegate it@fabrikam.onmicrosoft.com")).toBeVisible();

  // The delegate signs in (login_hint names the delegate, not the shared address).
  await page.getByRole("button", { name: "Connect" }).click();
  await microsoftSignIn(page, "it@fabrikam.onmicrosoft.com", "it@fabrikam.onmicrosoft.com");
  if (
    await page
      .getByRole("button", { name: "Accept" })
      .isVisible()
      .catch(() => false)
  )
    await page.getByRole("button", { name: "Accept" }).click();
  await expect(page.getByTestId("connected-banner")).toContainText("it@fabrikam.onmicrosoft.com");
  await expect(page.getByTestId("test-step-imap-ok")).toBeVisible();
  await expect(page.getByTestId("test-step-smtp-ok")).toContainText("Sent as support@fabrikam.onmicrosoft.com");

  // The customer removes the delegate's SendAs: Test connection says so, with the fix.
  await sandboxAdmin("PATCH", "/admin/shared-mailboxes/support@fabrikam.onmicrosoft.com", { sendAs: [] });
  try {
    await page.getByRole("button", { name: "Test connection" }).click();
    const failed = page.getByTestId("test-step-smtp-failed");
    await expect(failed).toContainText("delegate_lacks_send_as");
    await expect(failed).toContainText("5.2.252");
    await expect(failed).toContainText("Add-RecipientPermission");
    await expect(page.getByTestId("test-step-imap-ok")).toBeVisible();
    // The mailbox is now degraded, and the health matrix shows which check fails.
    await page.getByRole("link", { name: "Health", exact: true }).click();
    const row = page.getByTestId("health-list").getByRole("row").filter({ hasText: "support@fabrikam.onmicrosoft.com" });
    await expect(row).toContainText("Degraded");
    await expect(row.getByTestId("diagnosis-support@fabrikam.onmicrosoft.com")).toHaveAttribute("title", "Code: delegate_lacks_send_as");
    await expect(page.getByTestId("matrix-support@fabrikam.onmicrosoft.com-smtp")).toHaveAttribute("data-status", "fail");
    await expect(row.getByTestId("checks-support@fabrikam.onmicrosoft.com")).toContainText("IMAP ✓");
    await expect(row.getByTestId("checks-support@fabrikam.onmicrosoft.com")).toContainText("SMTP ✗");

    // The customer grants SendAs back; "Test again" on the diagnosis confirms and clears it.
    await sandboxAdmin("PATCH", "/admin/shared-mailboxes/support@fabrikam.onmicrosoft.com", { sendAs: ["it@fabrikam.onmicrosoft.com"] });
    await row.getByRole("link", { name: "support@fabrikam.onmicrosoft.com" }).click();
    await page.getByTestId("diagnosis-actions").getByRole("button", { name: "Test again" }).click();
    await expect(page.getByTestId("test-step-smtp-ok")).toBeVisible();
    await expect(page.getByTestId("diagnosis-actions")).toHaveCount(0);
  } finally {
    await sandboxAdmin("PATCH", "/admin/shared-mailboxes/support@fabrikam.onmicrosoft.com", { sendAs: ["it@fabrikam.onmicrosoft.com"] });
  }
});
