// [CONSENT] Journeys 2 and 3 against the sandbox's real sign-in pages:
// connect a user mailbox (the wrong user is refused with an explanation, the right one succeeds),
// and a customer admin grants organization consent from a link, after which a mailbox connects
// with no consent prompt.
import { expect, test } from "@playwright/test";
import { apiAs } from "../support/api-session";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";
import { sandboxAdmin } from "../support/sandbox-admin";
import { microsoftSignIn } from "../support/microsoft";

const f = fixture();
test.skip(!f.sandbox, "the sandbox isn't part of this checkout");

test("[CONSENT] connect a user mailbox: the wrong user is refused, the right user connects", async ({ page }) => {
  const s = f.sandboxObjects.contoso;
  await signIn(page, f.users.owner);
  await page.goto(`/tenants/${s.tenant}/mailboxes/${s.helpdesk}`);
  await page.getByRole("button", { name: "Connect" }).click();
  // Microsoft's page, with login_hint set to the mailbox.
  await microsoftSignIn(page, "bob@contoso.onmicrosoft.com", "helpdesk@contoso.onmicrosoft.com");
  await page.getByRole("button", { name: "Accept" }).click();
  await expect(page.getByTestId("result-code")).toHaveText("wrong_user_signed_in");
  await expect(page.getByTestId("signed-in-as")).toHaveText("bob@contoso.onmicrosoft.com");
  await expect(page.getByTestId("expected-as")).toHaveText("helpdesk@contoso.onmicrosoft.com");
  await expect(page.getByTestId("fix-steps")).toContainText("private (incognito) window");

  // Retry with the right account: Microsoft shows its sign-in page again because the login hint
  // names another account than the one signed in there.
  await page.getByRole("link", { name: "Back to the mailbox" }).click();
  await page.getByRole("button", { name: "Connect" }).click();
  await microsoftSignIn(page, "helpdesk@contoso.onmicrosoft.com");
  if (
    await page
      .getByRole("button", { name: "Accept" })
      .isVisible()
      .catch(() => false)
  )
    await page.getByRole("button", { name: "Accept" }).click();
  await expect(page.getByTestId("connected-banner")).toContainText("helpdesk@contoso.onmicrosoft.com");
  await expect(page.getByTestId("token-panel")).toContainText("IMAP.AccessAsUser.All");
  // The connection test ran after Connect: IMAP signs in; Contoso has SMTP AUTH off (5.7.139).
  await expect(page.getByTestId("test-step-imap-ok")).toBeVisible();
  await expect(page.getByTestId("test-step-smtp-failed")).toContainText("smtp_auth_disabled");
  await expect(page.getByTestId("test-step-smtp-failed")).toContainText("Set-TransportConfig -SmtpClientAuthenticationDisabled $false");
  // The customer's admin applies the fix; Test connection confirms it.
  await sandboxAdmin("PATCH", "/admin/tenants/contoso.onmicrosoft.com", { smtpAuthDisabled: false });
  try {
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByTestId("test-step-smtp-ok")).toBeVisible();
  } finally {
    await sandboxAdmin("PATCH", "/admin/tenants/contoso.onmicrosoft.com", { smtpAuthDisabled: true });
  }
  // The worker's first sync fills the Mail card (the sandbox seeds a few hundred messages).
  await expect(page.getByTestId("message-total")).not.toHaveText("0 stored", { timeout: 30_000 });
  await expect(page.getByTestId("message-list").locator("li").first()).toBeVisible();
  await page.getByLabel("Filter messages").fill("zzzz-no-such-subject");
  await expect(page.getByText("No message matches.")).toBeVisible();
  const html = await page.content();
  expect(html).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}\./); // no token ever reaches the browser
});

test("[CONSENT] a customer admin grants organization consent from a link; the mailbox then connects without a consent prompt", async ({
  page,
  browser,
}) => {
  const s = f.sandboxObjects.fabrikam;
  const owner = await apiAs(f.users.owner);
  const res = await owner.post(`/api/tenants/${s.tenant}/admin-consent-links`, { data: { appRegistrationId: s.app } });
  expect(res.status()).toBe(201);
  const { link } = await res.json();

  // The customer admin: no Consentry account, a separate browser.
  const admin = await browser.newContext();
  const ap = await admin.newPage();
  await ap.goto(new URL(link.url).pathname.replace(/^/, f.baseUrl));
  await expect(ap.getByRole("heading", { name: /Grant consent for Fabrikam/ })).toBeVisible();
  await expect(ap.getByTestId("permission-list")).toContainText("IMAP.AccessAsUser.All");
  await ap.getByRole("button", { name: "Continue to Microsoft" }).click();
  await microsoftSignIn(ap, "admin@fabrikam.onmicrosoft.com");
  await expect(ap.getByText("Accepting grants these permissions")).toBeVisible();
  await ap.getByRole("button", { name: "Accept" }).click();
  await expect(ap.getByTestId("result-title")).toHaveText("Consent granted for Fabrikam (sandbox)");
  // The link is spent.
  await ap.goto(new URL(link.url).pathname.replace(/^/, f.baseUrl));
  await expect(ap.getByTestId("consent-link-state")).toHaveText("This link was already used");
  await admin.close();

  // The technician connects the mailbox: Microsoft asks for no consent this time.
  await signIn(page, f.users.owner);
  await page.goto(`/tenants/${s.tenant}`);
  await expect(page.getByTestId("org-consent-state")).toContainText("Granted");
  await page.goto(`/tenants/${s.tenant}/mailboxes/${s.helpdesk}`);
  await page.getByRole("button", { name: "Connect" }).click();
  await microsoftSignIn(page, "helpdesk@fabrikam.onmicrosoft.com");
  await expect(page.getByTestId("connected-banner")).toContainText("helpdesk@fabrikam.onmicrosoft.com");
});
