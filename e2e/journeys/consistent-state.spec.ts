// [STATE] Issue 13: every status shown is current and agrees with every other. A mailbox connects
// into a tenant with SMTP AUTH off: the banner says the test found a problem instead of promising a
// sync, and the diagnosis links to the Exchange admin center of that organization. Microsoft then
// revokes the user's sessions: "Refresh token now" turns the token panel red (no "valid for 1 h"),
// the old connection test is marked as history, the fix links go to the user and the sign-in logs
// in the tenant's directory, and the Health matrix shows the failing sign-in linked to the mailbox.
// A forged OAuth state is called forged, not missing.
import { expect, test } from "@playwright/test";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";
import { addAndConnectMailbox } from "../support/microsoft";
import { sandboxAdmin } from "../support/sandbox-admin";
import { SEED } from "../../sandbox/directory/seed";

const f = fixture();
test.skip(!f.sandbox, "the sandbox isn't part of this checkout");
test.slow(true, "a full journey against the sandbox and a worker");

const ADDRESS = "bob@contoso.onmicrosoft.com";
const TID = SEED.contoso.id;

test("[STATE] banner, token panel, connection test, fix links and the health matrix agree with the mailbox's state", async ({ page }) => {
  const con = f.sandboxObjects.contoso;
  await signIn(page, f.users.owner);
  const mailboxUrl = await addAndConnectMailbox(page, con.tenant, ADDRESS);

  // Connected, but Contoso has SMTP AUTH off: no green "first sync starts now" above a red diagnosis.
  const banner = page.getByTestId("connected-banner");
  await expect(banner).toHaveAttribute("data-tone", "amber");
  await expect(banner).toContainText(`Connected as ${ADDRESS}`);
  await expect(banner).not.toContainText("first sync starts now");
  const diagnosis = page.getByTestId("diagnosis").first();
  await expect(diagnosis).toContainText("SMTP AUTH");
  await expect(diagnosis.getByTestId("diagnosis-code")).toContainText("smtp_auth_disabled");
  await expect(diagnosis.getByTestId("fix-link-exchange_mailboxes")).toHaveAttribute(
    "href",
    new RegExp(`^https://admin\\.exchange\\.microsoft\\.com/\\?delegatedOrg=(contoso\\.onmicrosoft\\.com|${TID})#/mailboxes$`),
  );
  await expect(page.getByTestId("token-status")).toContainText("valid for");
  await expect(page.getByTestId("connection-test")).toHaveAttribute("data-stale", "false");

  // Microsoft revokes the user's sessions. The next refresh finds out; nothing keeps saying "valid".
  await sandboxAdmin("POST", `/admin/users/${ADDRESS}/revoke-sessions`);
  await page.getByRole("button", { name: "Refresh token now" }).click();
  await expect(page.getByTestId("token-status")).toHaveAttribute("data-tone", "red", { timeout: 20_000 });
  await expect(page.getByTestId("token-status")).not.toContainText("valid for");
  await expect(page.getByTestId("connected-banner")).toHaveCount(0);
  // The connection test that passed IMAP before the revocation is history now, and says so.
  await expect(page.getByTestId("connection-test")).toHaveAttribute("data-stale", "true");
  await expect(page.getByTestId("connection-test-stale")).toContainText("before the mailbox started failing");
  // The fix: the user and their sign-in logs, in the customer's directory.
  const revoked = page.getByTestId("diagnosis").first();
  await expect(revoked.getByTestId("diagnosis-code")).toContainText("refresh_token_revoked");
  await expect(revoked.getByTestId("fix-link-sign_in_logs")).toHaveAttribute(
    "href",
    `https://entra.microsoft.com/${TID}/#view/Microsoft_AAD_IAM/SignInEventsV3Blade`,
  );
  await expect(revoked.getByTestId("fix-link-user")).toHaveAttribute(
    "href",
    new RegExp(
      `^https://entra\\.microsoft\\.com/${TID}/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/[0-9a-f-]{36}$`,
    ),
  );

  // Health at a glance: the sign-in cell fails, in plain words, and opens the mailbox.
  await page.getByRole("link", { name: "Health", exact: true }).click();
  const matrix = page.getByTestId("health-matrix");
  await expect(matrix.getByTestId(`matrix-${ADDRESS}-signin`)).toHaveAttribute("data-status", "fail");
  await expect(matrix.getByTestId(`matrix-${ADDRESS}-signin`)).not.toContainText("refresh_token_revoked");
  await expect(matrix.getByTestId(`matrix-${ADDRESS}-signin`)).toHaveAttribute("title", "Code: refresh_token_revoked");
  await expect(matrix.getByTestId(`matrix-${ADDRESS}-graph`)).toHaveAttribute("data-status", "na");
  await page.getByLabel("Only failing").check();
  await expect(matrix.getByTestId(`matrix-row-${ADDRESS}`)).toBeVisible();
  await page.getByLabel("Matrix tenant").selectOption(con.tenant);
  await expect(matrix.getByTestId(`matrix-row-${ADDRESS}`)).toBeVisible();
  await matrix.getByTestId(`matrix-link-${ADDRESS}-signin`).click();
  await expect(page).toHaveURL(new RegExp(`${new URL(mailboxUrl).pathname}$`));
  await expect(page.getByTestId("diagnosis").first()).toBeVisible();

  // A state Consentry never issues is forged, not "sent back without the request's state".
  const r = await page.goto("/api/oauth/callback?code=abc&state=forged-state");
  expect(r?.status()).toBe(400);
  await expect(page.locator("body")).not.toContainText("without the request's state");
  await expect(page.locator("body")).toContainText("never issues");
});
