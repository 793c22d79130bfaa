// [NOTIFY] A test email round trip (journey 7), then the MSP picks a connected mailbox as its notifier, proves it with a test email, and
// emails a consent link to a mailbox owner, who finds it in their (sandbox) Inbox.
import pg from "pg";
import { expect, test } from "@playwright/test";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";
import { sandboxAdmin } from "../support/sandbox-admin";
import { microsoftSignIn } from "../support/microsoft";

const f = fixture();
test.skip(!f.sandbox, "the sandbox isn't part of this checkout");
// A whole journey (sign-ins with scrypt at OWASP's cost, Microsoft sign-in, worker syncs and sends): its
// steps' own waits add up past the default 60 s on a loaded machine.
test.slow(true, "a full journey against the sandbox and a worker");

test("[NOTIFY] email a consent link through the notifier mailbox", async ({ page }) => {
  const fab = f.sandboxObjects.fabrikam;
  const con = f.sandboxObjects.contoso;
  await signIn(page, f.users.owner);

  // Connect the mailbox that will send (Fabrikam allows SMTP AUTH).
  await page.goto(`/tenants/${fab.tenant}/mailboxes/${fab.helpdesk}`);
  await page.getByRole("button", { name: /^(Connect|Re-connect)$/ }).click();
  await microsoftSignIn(page, "helpdesk@fabrikam.onmicrosoft.com");
  if (
    await page
      .getByRole("button", { name: "Accept" })
      .isVisible()
      .catch(() => false)
  )
    await page.getByRole("button", { name: "Accept" }).click();
  await expect(page.getByTestId("connected-banner")).toBeVisible();
  // Journey 7: a test email to the mailbox itself is sent over SMTP and read back over IMAP.
  await expect(page.getByLabel("Test email recipient")).toHaveValue("helpdesk@fabrikam.onmicrosoft.com");
  await page.getByRole("button", { name: "Send test email" }).click();
  const result = page.getByTestId("test-email-result");
  await expect(result.getByTestId("test-step-smtp-ok")).toContainText("Sent as helpdesk@fabrikam.onmicrosoft.com");
  await expect(result.getByTestId("test-step-imap-ok")).toContainText("Arrived in INBOX");

  // Settings → Notifications: pick it, then send a test.
  await page.getByRole("link", { name: "Notifications", exact: true }).click();
  const from = page.getByLabel("Send from");
  await from.selectOption((await from.locator("option", { hasText: "helpdesk@fabrikam" }).getAttribute("value"))!);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("notifier-current")).toContainText("helpdesk@fabrikam.onmicrosoft.com");
  await page.getByLabel("To").fill("bob@fabrikam.onmicrosoft.com");
  await page.getByRole("button", { name: "Send test" }).click();
  await expect(page.getByTestId("notifier-test-ok")).toBeVisible();

  // Email a consent link to Contoso's helpdesk owner.
  await page.goto(`/tenants/${con.tenant}/mailboxes/${con.helpdesk}`);
  await expect(page.getByLabel("Email the link to")).toHaveValue("helpdesk@contoso.onmicrosoft.com");
  await page.getByRole("button", { name: "Email link" }).click();
  await expect(page.getByTestId("email-link-sent")).toContainText("from helpdesk@fabrikam.onmicrosoft.com");
  await expect(page.getByTestId("consent-link")).toBeVisible();
  const inbox = await sandboxAdmin("GET", "/admin/mail/mailboxes/helpdesk@contoso.onmicrosoft.com?limit=5");
  expect(inbox.messages[0]).toMatchObject({
    subject: "Action needed: connect helpdesk@contoso.onmicrosoft.com",
    from: "helpdesk@fabrikam.onmicrosoft.com",
  });

  // Staff alerts go to a chosen recipient; when a mailbox loses its grant, the worker emails them.
  await page.getByRole("link", { name: "Notifications", exact: true }).click();
  await expect(page.getByLabel("Alert recipients")).toHaveAttribute("placeholder", /owner@acme\.test/);
  await page.getByLabel("Alert recipients").fill("bob@fabrikam.onmicrosoft.com, not-an-address");
  await page.getByRole("button", { name: "Save alerts" }).click();
  await expect(page.getByText("Use valid email addresses.")).toBeVisible();
  await page.getByLabel("Alert recipients").fill("bob@fabrikam.onmicrosoft.com");
  await page.getByRole("button", { name: "Save alerts" }).click();
  await expect(page.getByText("Alert settings saved.")).toBeVisible();
  const c = new pg.Client({ connectionString: f.databaseUrl });
  await c.connect();
  await c.query(`UPDATE "Mailbox" SET "state" = 'needs_reconsent', "stateCode" = 'refresh_token_revoked' WHERE "id" = $1`, [
    f.objects.alpha.mailbox,
  ]);
  await c.end();
  await expect
    .poll(
      async () =>
        (await sandboxAdmin("GET", "/admin/mail/mailboxes/bob@fabrikam.onmicrosoft.com?limit=10")).messages.map(
          (m: { subject: string }) => m.subject,
        ),
      { timeout: 30_000 },
    )
    .toContain("Consentry: helpdesk@alpha.example.com needs attention");
});
