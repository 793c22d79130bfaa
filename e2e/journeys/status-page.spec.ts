// [STATUS] A technician gives the customer's admin a read-only status page of their tenant. The
// admin, with no account, sees each mailbox in plain words and the fix for what is broken; a
// revoked or tampered link shows nothing.
import pg from "pg";
import { expect, test } from "@playwright/test";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";

const f = fixture();

test("[STATUS] the customer's admin reads their tenant's mailbox status without an account", async ({ page, browser }) => {
  const beta = f.workspaceA.tenants.beta;
  // Beta's helpdesk mailbox lost its grant (an admin reset the password).
  const c = new pg.Client({ connectionString: f.databaseUrl });
  await c.connect();
  await c.query(`UPDATE "Mailbox" SET "state" = 'needs_reconsent', "stateCode" = 'refresh_token_revoked' WHERE "id" = $1`, [
    f.objects.beta.mailbox,
  ]);
  await c.end();

  await signIn(page, f.users.owner);
  // The tenants list rolls each tenant's mailboxes up, and filters to those needing attention.
  await page.goto("/tenants");
  await expect(page.getByTestId("tenant-health-Beta LLC")).toContainText("1 re-consent");
  await page.getByLabel("Health").selectOption("attention");
  await expect(page.getByTestId("tenants-table")).toContainText("Beta LLC");
  await expect(page.getByTestId("tenants-table")).not.toContainText("Gamma GmbH");
  await page.goto(`/tenants/${beta}`);
  await page.getByLabel("Status link for").fill("Jane at Beta");
  await page.getByRole("button", { name: "Create status link" }).click();
  const url = (await page.getByTestId("status-link-url").locator("code").textContent())!;
  expect(url).toMatch(/\/status\/cs_[A-Za-z0-9_-]{43}$/);
  await expect(page.getByTestId("status-links")).toContainText("Jane at Beta");

  const customer = await browser.newContext();
  const cp = await customer.newPage();
  await cp.goto(new URL(url).pathname.replace(/^/, f.baseUrl));
  await expect(cp.getByRole("heading", { name: "Mail connection status for Beta LLC" })).toBeVisible();
  await expect(cp.getByText("Provided by Acme MSP")).toBeVisible();
  await expect(cp.getByTestId("status-summary")).toContainText("1 of 1 mailboxes need attention");
  const mb = cp.getByTestId("status-helpdesk@beta.example.com");
  await expect(mb).toContainText("Needs you to sign in again");
  await expect(mb).toContainText("Access was revoked");
  const html = await cp.content();
  expect(html).not.toContain(f.objects.beta.mailbox);
  expect(html).not.toContain("Alpha Corp");
  // A changed token is not valid.
  await cp.goto(new URL(url).pathname.replace(/.$/, "x").replace(/^/, f.baseUrl));
  await expect(cp.getByTestId("status-link-state")).toHaveText("This link isn't valid");

  // The link was viewed; revoking it ends it at once.
  await page.reload();
  const row = page.getByTestId("status-links").locator("li").filter({ hasText: "Jane at Beta" });
  await expect(row).not.toContainText("viewed never");
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByText("Jane at Beta")).toHaveCount(0);
  await cp.goto(new URL(url).pathname.replace(/^/, f.baseUrl));
  await expect(cp.getByTestId("status-link-state")).toHaveText("This status link was withdrawn");
  await customer.close();
});
