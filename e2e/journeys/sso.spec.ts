// [SSO] Staff sign in with Microsoft (next-auth's Entra ID provider pointed at the Sandbox cloud):
// a staff member's Microsoft account reaches the dashboard; an account with no staff record is
// refused with a clear message. The account is linked by (oid, tid) at the first sign-in, and a
// different Microsoft account carrying a linked staff member's email is refused (issue 9, finding 4).
import { randomUUID } from "node:crypto";
import pg from "pg";
import { expect, test } from "@playwright/test";
import { fixture } from "../support/fixture";
import { sandboxAdmin } from "../support/sandbox-admin";
import { microsoftSignIn } from "../support/microsoft";

const f = fixture();
test.skip(!f.sandbox, "the sandbox isn't part of this checkout");

test("[SSO] a staff member signs in with Microsoft; a stranger is refused", async ({ page, browser }) => {
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in with Microsoft" }).click();
  await microsoftSignIn(page, "admin@demomsp.onmicrosoft.com");
  if (
    await page
      .getByRole("button", { name: "Accept" })
      .isVisible()
      .catch(() => false)
  )
    await page.getByRole("button", { name: "Accept" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByText("admin@demomsp.onmicrosoft.com")).toBeVisible();
  const linked = await query<{ entraOid: string | null; entraTid: string | null }>(
    `SELECT "entraOid", "entraTid" FROM "StaffUser" WHERE "email" = 'admin@demomsp.onmicrosoft.com'`,
  );
  expect(linked[0].entraOid).toMatch(/^[0-9a-f-]{36}$/);
  expect(linked[0].entraTid).toBe(MSP_TENANT);

  // A real account in the MSP's tenant, but nobody's staff account.
  await sandboxAdmin("POST", "/admin/users", { upn: "visitor@demomsp.onmicrosoft.com", password: "Passw0rd!" }).catch(() => undefined);
  const ctx = await browser.newContext();
  const p2 = await ctx.newPage();
  await p2.goto("/login");
  await p2.getByRole("button", { name: "Sign in with Microsoft" }).click();
  await microsoftSignIn(p2, "visitor@demomsp.onmicrosoft.com");
  if (
    await p2
      .getByRole("button", { name: "Accept" })
      .isVisible()
      .catch(() => false)
  )
    await p2.getByRole("button", { name: "Accept" }).click();
  await expect(p2.getByText("Your Microsoft account has no Consentry staff account.")).toBeVisible();
  await p2.goto("/");
  await expect(p2).toHaveURL(/\/login/);
  await ctx.close();
});

const MSP_TENANT = "3f1c2a4e-6b7d-4c8e-9f10-aa11bb22cc00"; // the sandbox's MSP tenant (AUTH_ENTRA_TENANT in e2e)

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: f.databaseUrl });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

test("[SSO] a staff account linked to one Microsoft account refuses another with the same email", async ({ page }) => {
  // A staff member already linked to their Entra account (oid, tid)...
  const upn = `twin-${randomUUID().slice(0, 8)}@demomsp.onmicrosoft.com`;
  const staffId = randomUUID();
  await query(`INSERT INTO "StaffUser" ("id", "email", "name", "entraOid", "entraTid") VALUES ($1, $2, 'Linked twin', $3, $4)`, [
    staffId,
    upn,
    randomUUID(),
    MSP_TENANT,
  ]);
  await query(
    `INSERT INTO "Membership" ("id", "workspaceId", "staffUserId", "role", "hasAllTenants", "tenantIds") VALUES ($1, $2, $3, 'admin', true, '{}')`,
    [randomUUID(), f.workspaceA.id, staffId],
  );
  // ...and a different user in the same tenant whose email claim is that address (another object id).
  await sandboxAdmin("POST", "/admin/users", { upn, password: "Passw0rd!" });
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in with Microsoft" }).click();
  await microsoftSignIn(page, upn);
  if (
    await page
      .getByRole("button", { name: "Accept" })
      .isVisible()
      .catch(() => false)
  )
    await page.getByRole("button", { name: "Accept" }).click();
  await expect(page.getByText("This Microsoft account isn't the one linked to your Consentry staff account.")).toBeVisible();
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
});
