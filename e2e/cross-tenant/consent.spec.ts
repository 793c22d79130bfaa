// [CROSS-TENANT] Consent flows and consent links: no tenant's mailboxes or links are usable from
// another tenant or workspace; a link for one mailbox can't be used for another; used, tampered
// and expired links are refused.
import { expect, test } from "@playwright/test";
import pg from "pg";
import { apiAs } from "../support/api-session";
import { fixture } from "../support/fixture";

const f = fixture();
const { alpha, beta } = f.workspaceA.tenants;
const { gamma } = f.workspaceB.tenants;
const o = f.objects;

async function sql(text: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: f.databaseUrl });
  await c.connect();
  try {
    return await c.query(text, params);
  } finally {
    await c.end();
  }
}

test.describe("[CROSS-TENANT] consent", () => {
  test("connect and consent links only work for the caller's own tenants", async () => {
    const tech = await apiAs(f.users.tech);
    expect((await tech.post(`/api/tenants/${beta}/mailboxes/${o.beta.mailbox}/connect`)).status()).toBe(404);
    expect((await tech.post(`/api/tenants/${alpha}/mailboxes/${o.beta.mailbox}/connect`)).status()).toBe(404);
    expect((await tech.post(`/api/tenants/${beta}/mailboxes/${o.beta.mailbox}/consent-links`, { data: {} })).status()).toBe(404);
    expect((await tech.post(`/api/tenants/${beta}/admin-consent-links`, { data: { appRegistrationId: o.beta.app } })).status()).toBe(404);
    const owner = await apiAs(f.users.owner);
    expect((await owner.post(`/api/tenants/${gamma}/mailboxes/${o.gamma.mailbox}/consent-links`, { data: {} })).status()).toBe(404);
    expect((await owner.post(`/api/tenants/${alpha}/mailboxes/${o.gamma.mailbox}/connect`)).status()).toBe(404);
    // Another workspace's app can't be slipped into this tenant's org-consent link.
    expect((await owner.post(`/api/tenants/${alpha}/admin-consent-links`, { data: { appRegistrationId: o.gamma.app } })).status()).toBe(
      400,
    );
    const support = await apiAs(f.users.support);
    expect((await support.post(`/api/tenants/${alpha}/mailboxes/${o.alpha.mailbox}/consent-links`, { data: {} })).status()).toBe(403);
  });

  test("a consent link shows its own mailbox only, and tampered, expired and used links are refused", async ({ page }) => {
    const tech = await apiAs(f.users.tech);
    const res = await tech.post(`/api/tenants/${alpha}/mailboxes/${o.alpha.mailbox}/consent-links`, { data: { days: 7 } });
    expect(res.status()).toBe(201);
    const { link } = await res.json();
    const token = new URL(link.url).pathname.split("/").pop()!;

    await page.goto(`/consent/${token}`);
    await expect(page.getByRole("heading", { name: /helpdesk@alpha\.example\.com/ })).toBeVisible();
    await expect(page.getByTestId("expected-account")).toHaveText("helpdesk@alpha.example.com");
    await expect(page.getByText("beta.example.com")).toHaveCount(0);

    // Tampered: one character changed, or the user-link token presented as an admin link.
    const flipped = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    await page.goto(`/consent/${flipped}`);
    await expect(page.getByTestId("consent-link-state")).toHaveText("This link isn't valid");
    await page.goto(`/consent/ca_${token.slice(3)}`);
    await expect(page.getByTestId("consent-link-state")).toHaveText("This link isn't valid");

    // Starting the round trip from a tampered link goes nowhere near Microsoft.
    const start = await tech.post(`/consent/${flipped}`.replace("/consent/", "/api/consent/") + "/start", { maxRedirects: 0 });
    expect(start.status()).toBe(303);
    expect(start.headers()["location"]).toContain(`/consent/${flipped}`);

    await sql(`UPDATE "ConsentRequest" SET "expiresAt" = now() - interval '1 minute' WHERE "id" = $1`, [link.id]);
    await page.goto(`/consent/${token}`);
    await expect(page.getByTestId("consent-link-state")).toHaveText("This link has expired");

    await sql(`UPDATE "ConsentRequest" SET "expiresAt" = now() + interval '1 day', "status" = 'completed' WHERE "id" = $1`, [link.id]);
    await page.goto(`/consent/${token}`);
    await expect(page.getByTestId("consent-link-state")).toHaveText("This link was already used");
  });

  test("an OAuth callback with an unknown, replayed or unbound state is refused on a page", async ({ page }) => {
    await page.goto("/api/oauth/callback?code=abc&state=st_" + "x".repeat(43));
    await expect(page.getByTestId("result-title")).toHaveText("This sign-in can't be matched");
    await page.goto("/api/oauth/callback?error=access_denied");
    await expect(page.getByTestId("result-title")).toHaveText("This sign-in can't be matched");
  });
});
