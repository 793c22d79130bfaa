// [HEALTH-PAGING] The Health list at MSP scale pages, filters, searches and sorts on the server: a
// tenant of 70 mailboxes shows 50 and a pager, the state chips carry the counts and filter, the
// view is in the URL (a reload shows the same page of the same filter), and an empty result says
// how to get back. The mailboxes are made in SQL in states no worker touches (pending consent,
// needs re-consent, no grant) and removed with their tenant at the end.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { expect, test } from "@playwright/test";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";

const f = fixture();

async function sql(text: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: f.databaseUrl });
  await c.connect();
  try {
    return await c.query(text, params);
  } finally {
    await c.end();
  }
}

test("[HEALTH-PAGING] pages, state counts, search and sort come from the server; the URL holds the view", async ({ page }) => {
  // A first sign-in waits for a scrypt hash; on a loaded machine each step takes seconds.
  test.setTimeout(240_000);
  const tenantId = randomUUID();
  await sql(
    `INSERT INTO "Tenant" ("id", "workspaceId", "displayName", "primaryDomain", "updatedAt") VALUES ($1, $2, 'Zeta Paging Ltd', 'zeta.example.com', now())`,
    [tenantId, f.workspaceA.id],
  );
  try {
    await sql(
      `INSERT INTO "Mailbox" ("id", "workspaceId", "tenantId", "address", "state", "stateCode", "updatedAt")
       SELECT gen_random_uuid()::text, $1, $2, 'page-' || lpad(n::text, 2, '0') || '@zeta.example.com',
              (CASE WHEN n <= 15 THEN 'needs_reconsent' ELSE 'pending_consent' END)::"MailboxState",
              CASE WHEN n <= 15 THEN 'refresh_token_revoked' END, now()
       FROM generate_series(1, 70) n`,
      [f.workspaceA.id, tenantId],
    );
    await signIn(page, f.users.owner);
    await page.goto(`/health?tenantId=${tenantId}`);
    const list = page.getByTestId("health-list");
    const rows = list.locator("tbody tr");
    await expect(page.getByTestId("health-range")).toContainText("1–50 of 70");
    await expect(page.getByTestId("health-page")).toHaveText("Page 1 of 2");
    await expect(rows).toHaveCount(50);
    // Failing first: the 15 that need a person lead.
    await expect(rows.first()).toContainText("Needs re-consent");
    await expect(page.getByTestId("health-count-needs_reconsent")).toContainText("15");
    await expect(page.getByTestId("health-count-pending_consent")).toContainText("55");

    await list.getByRole("button", { name: "Next" }).click();
    await expect(page).toHaveURL(/[?&]page=2(&|$)/);
    await expect(page.getByTestId("health-range")).toContainText("51–70 of 70");
    await expect(rows).toHaveCount(20);

    // A state chip filters on the server and goes back to the first page.
    await page.getByTestId("health-count-needs_reconsent").click();
    await expect(page).toHaveURL(/[?&]state=needs_reconsent/);
    await expect(page).not.toHaveURL(/[?&]page=/);
    await expect(rows).toHaveCount(15);
    await expect(page.getByTestId("health-range")).toContainText("1–15 of 15");

    // Search, then reload: the same view from the URL alone.
    await list.getByLabel("Filter").fill("page-07@");
    await expect(page).toHaveURL(/[?&]q=page-07%40/);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText("page-07@zeta.example.com");
    await page.goto(page.url());
    await expect(list.getByLabel("Filter")).toHaveValue("page-07@");
    await expect(rows).toHaveCount(1);
    await expect(rows.first().getByTestId("diagnosis-page-07@zeta.example.com")).toHaveAttribute("title", "Code: refresh_token_revoked");

    // Nothing matches: the empty state says how to get back.
    await list.getByLabel("Filter").fill("no-such-mailbox");
    await expect(list.getByText("No mailbox matches")).toBeVisible();
    await list.getByRole("button", { name: "Clear the filters" }).click();
    await expect(page).toHaveURL(/\/health$/);

    // Sorted by address on the server, descending: this tenant's last mailbox first.
    await page.goto(`/health?tenantId=${tenantId}&sort=address&dir=desc`);
    await expect(rows.first()).toContainText("page-70@zeta.example.com");
    await list.locator("thead").getByRole("button", { name: "Mailbox" }).click();
    await expect(page).toHaveURL(/[?&]sort=address/);
    await expect(page).not.toHaveURL(/[?&]dir=desc/);
    await expect(rows.first()).toContainText("page-01@zeta.example.com");
  } finally {
    await sql(`DELETE FROM "Tenant" WHERE "id" = $1`, [tenantId]);
  }
});
