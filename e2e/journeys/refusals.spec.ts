// [REFUSALS] Refusal pages keep their friendly text but answer with a 4xx, so monitors and proxies
// can tell a refusal from a success: a forged, unknown or unbound OAuth state at the callback; a
// tampered, used, withdrawn or expired consent link; a bad or withdrawn status link. And a consent
// link can be revoked from the mailbox page (issue 9, finding 13).
import { expect, test } from "@playwright/test";
import pg from "pg";
import { apiAs } from "../support/api-session";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";

const f = fixture();
const { alpha } = f.workspaceA.tenants;
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

test("[REFUSALS] the OAuth callback answers a forged, missing or unbound state with 4xx and its explanation", async ({ page }) => {
  let r = await page.goto("/api/oauth/callback?code=abc&state=st_" + "x".repeat(43));
  expect(r?.status()).toBe(400);
  await expect(page.getByTestId("result-title")).toHaveText("This sign-in can't be matched");
  r = await page.goto("/api/oauth/callback?error=access_denied");
  expect(r?.status()).toBe(400);
  await expect(page.getByTestId("result-title")).toHaveText("This sign-in can't be matched");
  r = await page.goto("/api/oauth/callback?state=" + "y".repeat(300));
  expect(r?.status()).toBe(400);
  await expect(page.getByTestId("result-title")).toHaveText("Unreadable answer from Microsoft");

  // A real state, started by staff, arriving in a browser without its cookie: not bound.
  const owner = await apiAs(f.users.owner);
  const started = await owner.post(`/api/tenants/${alpha}/mailboxes/${o.alpha.mailbox}/connect`);
  expect(started.status()).toBe(200);
  const state = new URL((await started.json()).url).searchParams.get("state")!;
  r = await page.goto(`/api/oauth/callback?code=abc&state=${encodeURIComponent(state)}`);
  expect(r?.status()).toBe(400);
  await expect(page.getByTestId("result-title")).toHaveText("Finish in the same browser");
  // The API answer is the same for a client that doesn't follow redirects.
  const raw = await owner.get(`/api/oauth/callback?code=abc&state=st_${"z".repeat(43)}`, { maxRedirects: 0 });
  expect(raw.status()).toBe(400);
  expect(raw.headers()["content-type"]).toContain("text/html");
  expect(await raw.text()).toContain("This sign-in can&#39;t be matched");
});

test("[REFUSALS] dead consent links answer 404 with their explanation; a live one answers 200", async ({ page }) => {
  const owner = await apiAs(f.users.owner);
  const res = await owner.post(`/api/tenants/${alpha}/mailboxes/${o.alpha.mailbox}/consent-links`, { data: {} });
  expect(res.status()).toBe(201);
  const { link } = await res.json();
  const token = new URL(link.url).pathname.split("/").pop()!;

  let r = await page.goto(`/consent/${token}`);
  expect(r?.status()).toBe(200);
  await expect(page.getByRole("button", { name: "Continue to Microsoft" })).toBeVisible();

  r = await page.goto(`/consent/${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`);
  expect(r?.status()).toBe(404);
  await expect(page.getByTestId("consent-link-state")).toHaveText("This link isn't valid");

  await sql(`UPDATE "ConsentRequest" SET "expiresAt" = now() - interval '1 minute' WHERE "id" = $1`, [link.id]);
  r = await page.goto(`/consent/${token}`);
  expect(r?.status()).toBe(404);
  await expect(page.getByTestId("consent-link-state")).toHaveText("This link has expired");

  await sql(`UPDATE "ConsentRequest" SET "expiresAt" = now() + interval '1 day', "status" = 'completed' WHERE "id" = $1`, [link.id]);
  r = await page.goto(`/consent/${token}`);
  expect(r?.status()).toBe(404);
  await expect(page.getByTestId("consent-link-state")).toHaveText("This link was already used");
});

test("[REFUSALS] revoke a consent link from the mailbox page: its page then answers 404 'withdrawn'", async ({ page, browser }) => {
  await signIn(page, f.users.owner);
  await page.goto(`/tenants/${alpha}/mailboxes/${o.alpha.mailbox}`);
  await page.getByRole("button", { name: "Send consent link" }).click();
  const box = page.getByTestId("consent-link");
  await expect(box).toContainText("Works until access is granted");
  await expect(box).not.toContainText("Single use");
  const url = (await box.locator("code").first().getAttribute("title"))!;
  const customer = await browser.newContext();
  const cp = await customer.newPage();
  let r = await cp.goto(new URL(url).pathname.replace(/^/, f.baseUrl));
  expect(r?.status()).toBe(200);

  await box.getByRole("button", { name: "Revoke link" }).click();
  await expect(page.getByTestId("consent-link-revoked")).toBeVisible();
  r = await cp.goto(new URL(url).pathname.replace(/^/, f.baseUrl));
  expect(r?.status()).toBe(404);
  await expect(cp.getByTestId("consent-link-state")).toHaveText("This link was withdrawn");
  // Starting the sign-in from it goes nowhere near Microsoft.
  const start = await cp.request.post(`${f.baseUrl}/api${new URL(url).pathname}/start`, { maxRedirects: 0 });
  expect(start.status()).toBe(303);
  expect(start.headers()["location"]).toContain(new URL(url).pathname);
  await customer.close();
  const audit = await sql(`SELECT count(*)::int AS n FROM "AuditEntry" WHERE "action" = 'consent_link.revoke' AND "targetId" = $1`, [
    o.alpha.mailbox,
  ]);
  expect(audit.rows[0].n).toBeGreaterThanOrEqual(1);
});

test("[REFUSALS] bad and withdrawn status links answer 404 with their explanation", async ({ page }) => {
  const owner = await apiAs(f.users.owner);
  const res = await owner.post(`/api/tenants/${alpha}/status-links`, { data: { label: "Refusals e2e", days: 7 } });
  expect(res.status()).toBe(201);
  const created = await res.json();
  const path = new URL(created.url).pathname;
  let r = await page.goto(path);
  expect(r?.status()).toBe(200);
  r = await page.goto(path.replace(/.$/, path.endsWith("x") ? "y" : "x"));
  expect(r?.status()).toBe(404);
  await expect(page.getByTestId("status-link-state")).toHaveText("This link isn't valid");
  r = await page.goto("/status/nonsense");
  expect(r?.status()).toBe(404);
  await expect(page.getByTestId("status-link-state")).toHaveText("This link isn't valid");
  expect((await owner.delete(`/api/tenants/${alpha}/status-links/${created.link.id}`)).status()).toBe(204);
  r = await page.goto(path);
  expect(r?.status()).toBe(404);
  await expect(page.getByTestId("status-link-state")).toHaveText("This status link was withdrawn");
});
