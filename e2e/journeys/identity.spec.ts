// [IDENTITY] Sign-in name ≠ mailbox address (issue 12 §2): Connect accepts whoever owns the
// mailbox's address — their primary address or an alias, whatever their UPN — and refuses
// another person with who signed in, who was expected and the fix. The sandbox users are made
// through its admin API, as a customer's directory would have them.
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";
import { sandboxAdmin } from "../support/sandbox-admin";
import { microsoftSignIn, selectTenantApp } from "../support/microsoft";

const f = fixture();
test.skip(!f.sandbox, "the sandbox isn't part of this checkout");
test.slow(true, "Microsoft sign-ins against the sandbox");

const DOMAIN = "fabrikam.onmicrosoft.com";

/** A directory user whose UPN (an HR number) differs from the mailbox's primary address, with an alias. */
async function personWithOtherUpn() {
  const n = randomBytes(3).toString("hex");
  const p = { upn: `e${n}@${DOMAIN}`, mail: `kim.lee.${n}@${DOMAIN}`, alias: `kim${n}@${DOMAIN}` };
  await sandboxAdmin("POST", "/admin/users", { upn: p.upn, mail: p.mail, aliases: [p.alias], password: "Passw0rd!" });
  return p;
}

async function addMailbox(page: Page, tenantId: string, address: string, signInName?: string) {
  await page.goto(`/tenants/${tenantId}/mailboxes/new`);
  await expect(page.getByLabel("App registration").locator("option")).not.toHaveCount(0);
  await selectTenantApp(page, tenantId);
  await page.getByLabel("Mailbox address").fill(address);
  if (signInName) await page.getByLabel("Sign-in name (if not the address)").fill(signInName);
  await page.getByRole("button", { name: "Add mailbox" }).click();
  await expect(page.getByRole("heading", { name: address })).toBeVisible();
}

async function acceptConsentIfAsked(page: Page) {
  if (
    await page
      .getByRole("button", { name: "Accept" })
      .isVisible()
      .catch(() => false)
  )
    await page.getByRole("button", { name: "Accept" }).click();
}

test("[IDENTITY] a user whose UPN differs from the mailbox address connects", async ({ page }) => {
  const fab = f.sandboxObjects.fabrikam;
  const kim = await personWithOtherUpn();
  await signIn(page, f.users.owner);
  await addMailbox(page, fab.tenant, kim.mail, kim.upn);
  await expect(page.getByTestId("sign-in-name")).toHaveText(kim.upn);
  await page.getByRole("button", { name: "Connect" }).click();
  // Microsoft's page is pre-filled with the sign-in name, not the address.
  await microsoftSignIn(page, kim.upn, kim.upn);
  await acceptConsentIfAsked(page);
  await expect(page.getByTestId("connected-banner")).toContainText(`Connected as ${kim.upn}`);
  await expect(page.getByTestId("test-step-imap-ok")).toBeVisible();
});

test("[IDENTITY] an alias is accepted, and another person is refused with who signed in and who was expected", async ({ page }) => {
  const fab = f.sandboxObjects.fabrikam;
  const kim = await personWithOtherUpn();
  await signIn(page, f.users.owner);
  // The mailbox entered by its alias, with no sign-in name: the person signs in with their UPN.
  await addMailbox(page, fab.tenant, kim.alias);
  const mailboxUrl = page.url();
  await page.getByRole("button", { name: "Connect" }).click();
  await microsoftSignIn(page, kim.upn, kim.alias);
  await acceptConsentIfAsked(page);
  await expect(page.getByTestId("connected-banner")).toContainText(`Connected as ${kim.upn}`);

  // Someone else signs in for it: refused, and the grant stays the owner's.
  // Connect learned the owner's sign-in name: the next sign-in is pre-filled with it.
  await page.goto(mailboxUrl);
  await expect(page.getByTestId("sign-in-name")).toHaveText(kim.upn);
  // Microsoft still has the owner's session, and the hint names them: sign out of Microsoft first
  // (drop the sandbox's session cookie), as the fix steps tell people to.
  await page.context().clearCookies({ domain: new URL(f.sandbox!.loginUrl).hostname });
  await page.getByRole("button", { name: "Re-connect", exact: true }).click();
  await microsoftSignIn(page, `bob@${DOMAIN}`);
  await acceptConsentIfAsked(page);
  await expect(page.getByTestId("result-title")).toHaveText("The wrong account signed in");
  await expect(page.getByTestId("result-cause")).toContainText(`${kim.alias} isn't one of that account's addresses`);
  await expect(page.getByTestId("signed-in-as")).toHaveText(`bob@${DOMAIN}`);
  await expect(page.getByTestId("expected-as")).toHaveText(kim.alias);
  await expect(page.getByTestId("fix-steps")).toContainText(`sign in as ${kim.upn}`);
  await page.goto(mailboxUrl);
  await expect(page.locator("dt", { hasText: "Authorized as" }).locator("xpath=following-sibling::dd[1]")).toHaveText(kim.upn);
});
