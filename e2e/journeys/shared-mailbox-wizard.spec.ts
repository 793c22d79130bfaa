// [SHARED-WIZARD] Issue 12 §1: the shared-mailbox wizard, in a tenant built from nothing through
// the sandbox's admin API (its own directory, delegate, shared mailbox and app registration). The
// delegate holds no rights at first: the live checks fail for the missing FullAccess, then (once
// the customer grants it) for the missing SendAs, each with its own diagnosis and evidence, and
// pass after the fix. The wizard is left midway and resumed where it stopped.
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";
import { sandboxAdmin } from "../support/sandbox-admin";
import { microsoftSignIn, SANDBOX_PASSWORD } from "../support/microsoft";

const f = fixture();
test.skip(!f.sandbox, "the sandbox isn't part of this checkout");
test.slow(true, "a full journey against the sandbox: a tenant built from nothing, a Microsoft sign-in and three rounds of checks");

test("[SHARED-WIZARD] a shared mailbox set up step by step: FullAccess, then SendAs, each diagnosed, then every check passes", async ({
  page,
}) => {
  const tag = randomUUID().slice(0, 8);
  const domain = `wiz${tag}.onmicrosoft.com`;
  const shared = `desk@${domain}`;
  const delegate = `agent@${domain}`;
  // The customer's Microsoft 365, built through the sandbox's admin API.
  const tenant = await sandboxAdmin("POST", "/admin/tenants", { displayName: `Wizard ${tag}`, domain });
  await sandboxAdmin("POST", "/admin/users", { upn: delegate, password: SANDBOX_PASSWORD, displayName: "Agent", isLicensed: true });
  await sandboxAdmin("POST", "/admin/shared-mailboxes", { address: shared, displayName: "Desk", fullAccess: [], sendAs: [] });
  const app = await sandboxAdmin("POST", "/admin/apps", {
    displayName: `Consentry ${tag}`,
    homeTenant: tenant.id,
    redirectUris: [`${f.baseUrl}/api/oauth/callback`],
    // What an MSP's app registration typically holds (User.Read too: Connect may read /me).
    delegated: [
      "https://outlook.office.com/IMAP.AccessAsUser.All",
      "https://outlook.office.com/SMTP.Send",
      "https://graph.microsoft.com/User.Read",
    ],
  });

  // The MSP adds the tenant and its app in Consentry.
  await signIn(page, f.users.owner);
  const api = page.request;
  const t = await api.post("/api/tenants", { data: { displayName: `Wizard ${tag}`, primaryDomain: domain, cloud: "sandbox" } });
  expect(t.status(), await t.text()).toBe(201);
  const tenantId = (await t.json()).tenant.id as string;
  const a = await api.post("/api/apps", {
    data: {
      tenantId,
      displayName: `Wizard app ${tag}`,
      clientId: app.clientId,
      kind: "single_tenant",
      scopeProfile: "imap_smtp",
      secret: { value: app.secret.value, expiresAt: app.secret.expiresAt },
    },
  });
  expect(a.status(), await a.text()).toBe(201);
  const appId = (await a.json()).app.id as string;

  // The add-mailbox form leads to the wizard for a shared mailbox.
  await page.goto(`/tenants/${tenantId}/mailboxes/new`);
  await expect(page.getByLabel("App registration").locator("option")).not.toHaveCount(0);
  await page.getByLabel("Kind").selectOption("shared");
  await page.getByRole("link", { name: "Set it up step by step" }).click();

  // 1. The shared address; 2. the delegate (the shared address itself is refused).
  await expect(page.getByTestId("setup-step-current")).toContainText("Shared address");
  await page.getByLabel("Shared mailbox address").fill(shared);
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByTestId("setup-step-current")).toContainText("Delegate");
  await page.getByLabel("Delegate (who signs in)").fill(shared);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText("That's the shared mailbox's own address")).toBeVisible();
  await page.getByLabel("Delegate (who signs in)").fill(delegate);
  // The tenant's own app (the workspace's multi-tenant MSP app sorts first and isn't in this tenant).
  await page.getByLabel("App registration").selectOption(appId);
  await page.getByRole("button", { name: "Continue" }).click();

  // 3. What the delegate needs, with the tenant-filled PowerShell.
  await expect(page.getByTestId("setup-step-current")).toContainText("Permissions");
  await expect(page.getByTestId("need-full-access")).toContainText(
    `Add-MailboxPermission -Identity "${shared}" -User "${delegate}" -AccessRights FullAccess -InheritanceType All`,
  );
  await expect(page.getByTestId("need-send-as")).toContainText(
    `Add-RecipientPermission -Identity "${shared}" -Trustee "${delegate}" -AccessRights SendAs`,
  );
  await expect(page.getByTestId("need-send-as")).toContainText("What about Send on Behalf?");
  await page.getByRole("button", { name: "Done, next: the delegate signs in" }).click();
  await expect(page.getByTestId("setup-step-current")).toContainText("Delegate signs in");

  // Left midway, then resumed from the server where it stopped.
  const setupUrl = page.url();
  await page.goto(`/tenants/${tenantId}`);
  await page.goto(setupUrl);
  await expect(page.getByTestId("setup-step-current")).toContainText("Delegate signs in");

  // 4. The delegate signs in (the ordinary Connect, the delegate as the expected user).
  await page.getByRole("button", { name: `Connect as ${delegate}` }).click();
  await microsoftSignIn(page, delegate, delegate);
  if (
    await page
      .getByRole("button", { name: "Accept" })
      .isVisible()
      .catch(() => false)
  )
    await page.getByRole("button", { name: "Accept" }).click();

  // 5. Back on the wizard at its live checks: IMAP fails for the missing FullAccess.
  await expect(page.getByTestId("setup-step-current")).toContainText("Live checks");
  const imapFailed = page.getByTestId("test-step-imap-failed");
  await expect(imapFailed).toContainText("delegate_lacks_full_access");
  await expect(imapFailed).toContainText("Add-MailboxPermission");
  await expect(imapFailed.getByTestId("diagnosis-evidence")).toContainText(`Signed in as ${delegate}, the delegate on file`);

  // The customer grants FullAccess: IMAP passes, and sending fails for the missing SendAs.
  await sandboxAdmin("PATCH", `/admin/shared-mailboxes/${shared}`, { fullAccess: [delegate] });
  await page.getByRole("button", { name: "Run the checks again" }).click();
  await expect(page.getByTestId("test-step-imap-ok")).toBeVisible();
  const smtpFailed = page.getByTestId("test-step-smtp-failed");
  await expect(smtpFailed).toContainText("delegate_lacks_send_as");
  await expect(smtpFailed).toContainText("5.2.252");
  await expect(smtpFailed).toContainText("Add-RecipientPermission");

  // The customer grants SendAs: every check passes and the wizard is done.
  await sandboxAdmin("PATCH", `/admin/shared-mailboxes/${shared}`, { sendAs: [delegate] });
  await page.getByRole("button", { name: "Run the checks again" }).click();
  await expect(page.getByTestId("setup-done")).toBeVisible();
  await expect(page.getByTestId("test-step-imap-ok")).toBeVisible();
  await expect(page.getByTestId("test-step-smtp-ok")).toContainText(`Sent as ${shared}`);
  await expect(page.getByTestId("setup-step-current")).toContainText("Done");
});
