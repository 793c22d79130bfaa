// [DIAGNOSE] Journey 6: a mailbox breaks (its tenant has SMTP AUTH off), and support — read-only —
// finds it failing first on Health, reads the diagnosis with its evidence and fix, follows the
// event log with its trend, and exports a redacted support bundle that holds no secret or token.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";
import { addAndConnectMailbox } from "../support/microsoft";
import { SEED } from "../../sandbox/directory/seed";

const f = fixture();
test.skip(!f.sandbox, "the sandbox isn't part of this checkout");
// A whole journey (sign-ins with scrypt at OWASP's cost, Microsoft sign-in, worker syncs and sends): its
// steps' own waits add up past the default 60 s on a loaded machine.
test.slow(true, "a full journey against the sandbox and a worker");

const ADDRESS = "it@contoso.onmicrosoft.com";

test("[DIAGNOSE] support finds the failing mailbox, reads why, follows the event log and exports a support bundle", async ({
  page,
  browser,
}) => {
  const con = f.sandboxObjects.contoso;
  // A technician connects a mailbox in Contoso, whose tenant has SMTP AUTH disabled.
  await signIn(page, f.users.owner);
  await addAndConnectMailbox(page, con.tenant, ADDRESS);
  await expect(page.getByTestId("test-step-smtp-failed")).toContainText("smtp_auth_disabled");
  // "Test all" on Health re-runs every connected mailbox's test, with progress, and names the failures.
  await page.getByRole("link", { name: "Health", exact: true }).click();
  await page.getByRole("button", { name: /^Test all \(\d+\)$/ }).click();
  await expect(page.getByTestId("test-all-result")).toContainText(ADDRESS, { timeout: 60_000 });
  await expect(page.getByTestId("test-all-result")).toContainText(/\d+ of \d+ passed; failing: /);

  // Support, in a browser of their own.
  const ctx = await browser.newContext({ acceptDownloads: true });
  const sp = await ctx.newPage();
  await signIn(sp, f.users.support);
  await sp.getByRole("link", { name: "Health", exact: true }).click();
  const row = sp.getByTestId("health-list").getByRole("row").filter({ hasText: ADDRESS });
  await expect(row).toContainText("Degraded");
  // Plain words in the table; the code stays in the detail.
  await expect(row.getByTestId(`diagnosis-${ADDRESS}`)).toContainText("SMTP AUTH");
  await expect(row.getByTestId(`diagnosis-${ADDRESS}`)).toHaveAttribute("title", "Code: smtp_auth_disabled");
  await expect(row).not.toContainText("smtp_auth_disabled");
  await expect(row.getByTestId(`checks-${ADDRESS}`)).toContainText("SMTP ✗");
  // The 30-day trend counts today's breakage.
  await expect(sp.getByTestId("health-trend")).toBeVisible();
  await expect(sp.getByTestId("health-trend-summary")).not.toContainText("0 broke");
  await row.getByRole("link", { name: ADDRESS }).click();
  // The diagnosis in plain words, with the fix.
  await expect(sp.getByTestId("diagnosis").first()).toContainText("SMTP AUTH");
  await expect(sp.getByTestId("diagnosis").first()).toContainText("Set-TransportConfig -SmtpClientAuthenticationDisabled $false");

  // The catalog puts what affects mailboxes now first, with how many.
  await sp.getByRole("link", { name: "Diagnostics", exact: true }).click();
  await sp.getByLabel("Only what affects mailboxes now").check();
  await expect(sp.getByTestId("current-smtp_auth_disabled")).toContainText("now");
  await sp.goBack();

  // The event log, narrowed to this mailbox: the failed test is there, with its evidence.
  await sp.getByRole("link", { name: "Full event log" }).click();
  await expect(sp.getByRole("heading", { name: "Event log" })).toBeVisible();
  await expect(sp.getByRole("button", { name: `Mailbox: ${ADDRESS} ✕` })).toBeVisible();
  const table = sp.getByTestId("event-table");
  await expect(table).toContainText("connection_test_failed");
  await sp.getByLabel("Minimum level").selectOption("error");
  await expect(table).toContainText("connection_test_failed");
  await expect(table).not.toContainText("connection_test_passed");
  await expect(sp.getByTestId("event-trend")).toContainText("Errors");
  const today = new Date().toISOString().slice(0, 10);
  expect(Number(await sp.getByTestId("event-trend").locator(`[data-day="${today}"]`).getAttribute("data-total"))).toBeGreaterThan(0);
  await sp.getByLabel("Search messages").fill("no such message text");
  await expect(sp.getByText("No events match these filters")).toBeVisible();

  // The support bundle for this mailbox: what broke and why, nothing that lets anyone in.
  const [download] = await Promise.all([sp.waitForEvent("download"), sp.getByRole("link", { name: "Export support bundle" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^consentry-support-it-contoso-onmicrosoft-com-.*\.json$/);
  const text = readFileSync((await download.path())!, "utf8");
  const bundle = JSON.parse(text);
  expect(bundle.format).toBe("consentry-support-bundle/1");
  expect(bundle.generatedBy).toBe(f.users.support);
  const mb = bundle.tenants[0].mailboxes[0];
  expect(mb).toMatchObject({
    address: ADDRESS,
    state: "degraded",
    diagnosis: { code: "smtp_auth_disabled" },
    grant: { authorizedAs: { upn: ADDRESS }, matchesExpectedUser: true },
  });
  expect(bundle.diagnoses.map((d: { code: string }) => d.code)).toContain("smtp_auth_disabled");
  expect(text).not.toContain(SEED.contoso.secret);
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}\./);
  await ctx.close();

  // The export is on the audit trail.
  // Read as the owner through the owner's browser session (no second sign-in, each a scrypt hash).
  const audit = await (await page.request.get(`/api/audit?action=support_bundle.export&tenantId=${con.tenant}`)).json();
  expect(audit.entries[0]).toMatchObject({ actorEmail: f.users.support, targetType: "mailbox" });
});
