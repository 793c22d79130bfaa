// [APP-ONLY] An app-only mailbox (the app's own identity, IMAP/POP/SMTP AccessAsApp), onboarded end
// to end: a tenant and its daemon app created through the sandbox's admin API, the customer's
// admin consenting through a link, the checklist showing this tenant's PowerShell, the Exchange
// registration done through the sandbox's admin API (New-ServicePrincipal, Add-MailboxPermission),
// the live checks turning green, then mail synced by the worker and a message sent.
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { fixture } from "../support/fixture";
import { apiAs } from "../support/api-session";
import { signIn } from "../support/ui-session";
import { microsoftSignIn } from "../support/microsoft";
import { sandboxAdmin } from "../support/sandbox-admin";

const f = fixture();
test.slow(true, "a full journey across Consentry, the customer's admin and Exchange");

test("[APP-ONLY] onboard an app-only mailbox: consent link, PowerShell, Exchange registration, green checks, sync and send", async ({
  page,
  browser,
}) => {
  const tag = randomUUID().slice(0, 8);
  const D = `daemon-${tag}.onmicrosoft.com`;
  const MB = `support@${D}`;
  const OUT = `sales@${D}`;
  // The customer's Microsoft 365: a tenant, its admin and two mailboxes, and a daemon app with the
  // Exchange application permissions (no delegated ones).
  await sandboxAdmin("POST", "/admin/tenants", { displayName: `Daemon ${tag}`, domain: D });
  for (const upn of [`admin@${D}`, MB, OUT])
    await sandboxAdmin("POST", "/admin/users", { upn, password: "Passw0rd!", isAdmin: upn.startsWith("admin@") });
  const app = await sandboxAdmin("POST", "/admin/apps", {
    displayName: `Daemon ${tag}`,
    homeTenant: D,
    redirectUris: [`${f.baseUrl}/api/oauth/callback`],
    delegated: [],
    application: [
      "https://outlook.office.com/IMAP.AccessAsApp",
      "https://outlook.office.com/POP.AccessAsApp",
      "https://outlook.office.com/SMTP.SendAsApp",
    ],
  });
  const clientId: string = app.clientId;
  await sandboxAdmin("POST", `/admin/mail/mailboxes/${MB}/messages`, {
    raw: `From: customer@example.com\nTo: ${MB}\nSubject: Printer on fire ${tag}\nMessage-ID: <ao-${tag}@example.com>\n\nhelp\n`,
  });

  // Consentry: the tenant (found by its domain) and the app, registered with the app-only profile.
  const owner = await apiAs(f.users.owner);
  const tr = await owner.post("/api/tenants", { data: { displayName: `Daemon ${tag}`, primaryDomain: D, cloud: "sandbox" } });
  expect(tr.status()).toBe(201);
  const tenantId: string = (await tr.json()).tenant.id;
  const ar = await owner.post("/api/apps", {
    data: {
      tenantId,
      displayName: `Daemon ${tag}`,
      clientId,
      kind: "single_tenant",
      scopeProfile: "exchange_app_only",
      secret: { value: app.secret.value, expiresAt: app.secret.expiresAt },
    },
  });
  expect(ar.status()).toBe(201);

  // The technician adds the mailbox: choosing the app-only app turns the form into the checklist's.
  await signIn(page, f.users.owner);
  await page.goto(`/tenants/${tenantId}/mailboxes/new`);
  await expect(page.getByLabel("App registration").locator("option")).not.toHaveCount(0);
  const apps = page.getByLabel("App registration");
  await apps.selectOption((await apps.locator("option", { hasText: clientId.slice(0, 8) }).getAttribute("value"))!);
  await expect(page.getByTestId("app-only-note")).toContainText("no user signs in");
  await expect(page.getByLabel("Kind")).toHaveCount(0);
  await page.getByLabel("Mailbox address").fill(MB);
  await page.getByRole("button", { name: "Add mailbox" }).click();
  await expect(page.getByRole("heading", { name: MB })).toBeVisible();
  const mailboxUrl = page.url();
  const checklist = page.getByTestId("app-only-checklist");
  await expect(checklist).toBeVisible();
  await expect(page.getByRole("button", { name: "Connect" })).toHaveCount(0);

  // Step 1: the customer's admin consents through a link, in a browser of their own.
  await page.getByRole("button", { name: "Organization consent link" }).click();
  const url = (await page.getByTestId("app-only-consent-link").locator("code").textContent())!;
  const admin = await browser.newContext();
  const ap = await admin.newPage();
  await ap.goto(`${f.baseUrl}${new URL(url).pathname}`);
  await expect(ap.getByTestId("permission-list")).toContainText("IMAP.AccessAsApp");
  await ap.getByRole("button", { name: "Continue to Microsoft" }).click();
  await microsoftSignIn(ap, `admin@${D}`);
  await ap.getByRole("button", { name: "Accept" }).click();
  await expect(ap.getByTestId("result-title")).toContainText("Consent granted");
  await admin.close();

  const step = (id: string) => page.getByTestId(`app-only-step-${id}`);
  await step("consent").getByRole("button", { name: /Check/ }).click();
  await expect(step("consent")).toContainText("Passed");
  await expect(step("consent")).toContainText("IMAP.AccessAsApp");

  // Step 2: the PowerShell, filled with this tenant's app id and the enterprise application's object id.
  const exo = await sandboxAdmin("GET", `/admin/exchange/${D}`);
  const sp: string = exo.enterpriseApps.find((a: { appId: string }) => a.appId === clientId).objectId;
  await expect(step("exchange").getByTestId("powershell").first()).toHaveText(`New-ServicePrincipal -AppId ${clientId} -ObjectId ${sp}`);
  await expect(step("exchange")).toContainText(`Add-MailboxPermission -Identity ${MB} -User ${sp} -AccessRights FullAccess`);
  // Before the Exchange admin runs it, Exchange refuses the app, and the checklist says why.
  await step("exchange").getByRole("button", { name: /Check/ }).click();
  await expect(step("exchange")).toContainText("Failed");
  await expect(step("exchange")).toContainText("Exchange doesn't know the app yet");

  // The customer's Exchange admin runs the two commands (the sandbox's admin API is Exchange here).
  await sandboxAdmin("POST", `/admin/exchange/${D}/service-principals`, { appId: clientId, objectId: sp });
  await sandboxAdmin("POST", `/admin/exchange/${D}/mailbox-permissions`, { identity: MB, user: sp, accessRights: "FullAccess" });
  await step("exchange").getByRole("button", { name: /Check/ }).click();
  await expect(step("exchange")).toContainText("Passed");
  await step("connection").getByRole("button", { name: /Check/ }).click();
  await expect(step("connection")).toContainText("Passed");
  await expect(page.getByText("All checks pass")).toBeVisible();
  await expect(page.getByTestId("app-token-panel")).toContainText("IMAP.AccessAsApp");

  // Running: the worker syncs the mailbox with the app token, and a queued message goes out over SMTP.
  await page.goto(mailboxUrl);
  await expect(page.getByTestId("message-total")).not.toHaveText("0 stored", { timeout: 60_000 });
  const mailboxId = new URL(mailboxUrl).pathname.split("/").pop()!;
  const sent = await owner.post(`/api/tenants/${tenantId}/mailboxes/${mailboxId}/outbound`, {
    data: { to: [OUT], subject: `Re: Printer on fire ${tag}`, text: "On our way." },
  });
  expect(sent.status()).toBeLessThan(300);
  await expect
    .poll(async () => JSON.stringify(await sandboxAdmin("GET", `/admin/mail/mailboxes/${OUT}?limit=20`)), { timeout: 60_000 })
    .toContain(`Re: Printer on fire ${tag}`);
  const html = await page.content();
  expect(html).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}\./); // no token ever reaches the browser
});
