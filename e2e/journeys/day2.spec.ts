// [DAY2] The operations an MSP needs after the first week: edit a mailbox's settings (the effect
// shown before saving, a new consent asked for only on confirm), pause and resume it, manage its
// consent links (list with who made them and when they expire, choose the expiry, revoke), and
// onboard 3 tenants and 30 mailboxes from CSV (a dry run reporting 2 bad rows first).
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { expect, test, type Page } from "@playwright/test";
import { apiAs } from "../support/api-session";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";

const f = fixture();
const alpha = f.workspaceA.tenants.alpha;

async function sql(text: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: f.databaseUrl });
  await c.connect();
  try {
    return await c.query(text, params);
  } finally {
    await c.end();
  }
}

/** A mailbox of its own in Alpha, "connected" with a grant row (enough for the settings' effect).
 *  Send-only and just refreshed, so the running worker leaves its made-up grant alone. */
async function ownMailbox() {
  const api = await apiAs(f.users.owner);
  const address = `day2-${randomUUID().slice(0, 8)}@alpha.example.com`;
  const r = await api.post(`/api/tenants/${alpha}/mailboxes`, {
    data: { address, kind: "user", appRegistrationId: f.objects.alpha.app, inbound: "none", outbound: "smtp" },
  });
  expect(r.status()).toBe(201);
  const id = (await r.json()).mailbox.id as string;
  await api.dispose();
  await sql(`UPDATE "Mailbox" SET "state" = 'connected', "nextSyncAt" = now() + interval '1 day' WHERE "id" = $1`, [id]);
  await sql(
    `INSERT INTO "Grant" ("id","workspaceId","tenantId","mailboxId","upn","oid","tid","scopes","sealedRefreshToken","refreshTokenIssuedAt","lastRefreshAt","updatedAt")
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,'v2.x.x.x.x',now(),now(),now())`,
    [randomUUID(), f.workspaceA.id, alpha, id, address, randomUUID(), randomUUID(), ["https://outlook.office.com/SMTP.Send"]],
  );
  return { id, address };
}

const badge = (page: Page) =>
  page
    .locator("main")
    .getByText(/^(Connected|Paused|Pending consent)$/)
    .first();

test("[DAY2] edit a mailbox with the effect shown first, then pause and resume it", async ({ page }) => {
  const m = await ownMailbox();
  const api = await apiAs(f.users.owner);
  const secret = { value: `s3cret-${randomUUID()}`, expiresAt: new Date(Date.now() + 200 * 86_400_000).toISOString() };
  const clientId = randomUUID();
  const other = await api.post("/api/apps", {
    data: {
      tenantId: alpha,
      displayName: "Alpha second app",
      clientId,
      kind: "single_tenant",
      scopeProfile: "imap_smtp",
      secret,
    },
  });
  expect(other.status()).toBe(201);
  await signIn(page, f.users.owner);
  await page.goto(`/tenants/${alpha}/mailboxes/${m.id}`);
  await expect(badge(page)).toHaveText("Connected");

  // A plain change: the effect says what happens, and the grant stays.
  await page.getByRole("button", { name: "Edit settings" }).click();
  const form = page.getByTestId("edit-settings");
  await form.getByLabel("Folder to read").fill("Tickets");
  await form.getByLabel("Signature (optional)").fill("— Alpha helpdesk");
  await expect(page.getByTestId("settings-effect")).toContainText('New mail is read from "Tickets" from its start');
  await form.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await expect(page.locator("dd").filter({ hasText: "Tickets" })).toBeVisible();
  await expect(badge(page)).toHaveText("Connected");

  // Another app: a new consent is needed, said before saving; saving waits for the tick.
  await page.getByRole("button", { name: "Edit settings" }).click();
  await form.getByLabel("App registration").selectOption({ label: `Alpha second app (${clientId.slice(0, 8)}…)` });
  await expect(page.getByTestId("settings-effect")).toContainText("another app needs its own consent");
  await expect(page.getByTestId("settings-effect")).toContainText("moves the mailbox to Pending consent");
  await expect(form.getByRole("button", { name: "Save settings" })).toBeDisabled();
  await form.getByLabel(/Save and ask for a new consent/).check();
  await form.getByRole("button", { name: "Save settings" }).click();
  await expect(badge(page)).toHaveText("Pending consent");

  // Pause: visible on the page, in Health and in the API; resume returns to where it was.
  await page.getByRole("button", { name: "Pause mailbox" }).click();
  await expect(badge(page)).toHaveText("Paused");
  await expect(page.getByTestId("paused-note")).toContainText(`by ${f.users.owner}`);
  const detail = await (await api.get(`/api/tenants/${alpha}/mailboxes/${m.id}`)).json();
  expect(detail.mailbox).toMatchObject({ state: "disabled", stateBeforePause: "pending_consent", pausedBy: f.users.owner });
  await page.goto("/health");
  await page.getByRole("combobox", { name: "State" }).selectOption("disabled");
  await expect(page.getByTestId("health-list").getByRole("row").filter({ hasText: m.address })).toContainText("Paused");
  await page.goto(`/tenants/${alpha}/mailboxes/${m.id}`);
  await page.getByRole("button", { name: "Resume mailbox" }).click();
  await expect(badge(page)).toHaveText("Pending consent");
  await expect(page.getByText(`Resumed by ${f.users.owner}.`)).toBeVisible();
  await api.dispose();
});

test("[DAY2] consent links: choose the expiry, see them listed with who made them, revoke one", async ({ page, browser }) => {
  const m = await ownMailbox();
  await signIn(page, f.users.owner);
  await page.goto(`/tenants/${alpha}/mailboxes/${m.id}`);
  const card = page.getByTestId("consent-links");
  await card.getByLabel("Link expiry").selectOption("3");
  await card.getByRole("button", { name: "New consent link" }).click();
  const url = (await page.getByTestId("fresh-link").locator("p").first().textContent())!;
  expect(url).toMatch(/\/consent\/cu_/);
  const row = card.getByRole("row").filter({ hasText: m.address });
  await expect(row).toContainText(f.users.owner);
  await expect(row).toContainText("3 days");
  await expect(row).toContainText("not yet");

  // The tenant lists every outstanding link; revoking one ends it at once.
  await page.goto(`/tenants/${alpha}`);
  const trow = page.getByTestId("consent-links").getByRole("row").filter({ hasText: m.address });
  await expect(trow).toHaveCount(1);
  await trow.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByTestId("consent-links").getByRole("row").filter({ hasText: m.address })).toHaveCount(0);
  const customer = await browser.newContext();
  const cp = await customer.newPage();
  await cp.goto(`${f.baseUrl}${new URL(url).pathname}`);
  await expect(cp.getByText("This link was withdrawn")).toBeVisible();
  await customer.close();
});

test("[DAY2] CSV import of 3 tenants and 30 mailboxes: the dry run reports 2 bad rows, then it creates and makes links", async ({
  page,
}) => {
  const run = randomUUID().slice(0, 6);
  const expires = new Date(Date.now() + 300 * 86_400_000).toISOString().slice(0, 10);
  const header =
    "tenant,domain,directory_id,cloud,app,client_id,client_secret,secret_expires,profile,mailbox,kind,delegate,inbound,outbound";
  const csv = (bad: boolean) => {
    const lines = [header];
    let i = 0;
    for (const n of ["North", "South", "West"]) {
      const name = `${n} ${run}`;
      const dom = `${n.toLowerCase()}-${run}.example.com`;
      const dir = randomUUID();
      const client = randomUUID();
      for (let k = 0; k < 10; k++) {
        i++;
        const shared = k === 0;
        lines.push(
          [
            name,
            dom,
            dir,
            "global",
            `${n} mail`,
            client,
            `secret-${run}-${n}`,
            expires,
            "imap_smtp",
            bad && i === 4 ? `box${k}-at-${dom}` : `box${k}@${dom}`,
            shared ? "shared" : "user",
            shared ? `it@${dom}` : "",
            bad && i === 15 ? "carrier-pigeon" : "imap",
            "smtp",
          ].join(","),
        );
      }
    }
    return lines.join("\n");
  };
  await signIn(page, f.users.owner);
  await page.goto("/tenants");
  await page.getByRole("link", { name: "Import from CSV" }).click();
  // Two bad rows: line 5 (not an address) and line 16 (no such inbound protocol).
  await page.getByLabel("CSV", { exact: true }).fill(csv(true));
  await page.getByRole("button", { name: "Check (dry run)" }).click();
  await expect(page.getByTestId("import-summary")).toContainText("30 rows: 3 new tenants, 3 new apps, 28 new mailboxes; 2 problems");
  const problems = page.getByTestId("import-problem");
  await expect(problems).toHaveCount(2);
  await expect(problems.nth(0)).toContainText("5");
  await expect(problems.nth(0)).toContainText("mailbox");
  await expect(problems.nth(1)).toContainText("16");
  await expect(problems.nth(1)).toContainText("inbound");
  await expect(page.getByRole("button", { name: /^Create/ })).toBeDisabled();

  await page.getByLabel("CSV", { exact: true }).fill(csv(false));
  await page.getByRole("button", { name: "Check (dry run)" }).click();
  await expect(page.getByTestId("import-summary")).toContainText("30 rows: 3 new tenants, 3 new apps, 30 new mailboxes.");
  await page.getByRole("button", { name: "Create 30 mailboxes" }).click();
  await expect(page.getByTestId("import-created")).toContainText("Created 3 tenant(s), 3 app(s) and 30 mailbox(es).");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download as CSV" }).click()]);
  const rows = readFileSync((await download.path())!, "utf8")
    .trim()
    .split(/\r\n/);
  expect(rows[0]).toBe("tenant,mailbox,sign_in_as,consent_link,expires");
  expect(rows).toHaveLength(31);
  expect(rows.find((r) => r.includes(`box0@north-${run}.example.com`))).toContain(`it@north-${run}.example.com`);
  await expect(page.getByTestId("bulk-consent-result")).toContainText("30 links made");

  // The new tenants are there, each with its outstanding links.
  await page.goto("/tenants");
  await expect(page.getByTestId("tenants-table")).toContainText(`South ${run}`);
});
