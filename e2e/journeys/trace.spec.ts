// [TRACE] Issue 13, "see the conversation": a mailbox fails (its tenant has SMTP AUTH off). Support
// opens it from Health, reads the plain-words diagnosis with its evidence and the fix, turns the
// mailbox's trace on, runs "Test connection", reads the redacted transcript of what Consentry and
// "Microsoft" said, and exports the mailbox's support bundle with the transcript in it. Neither
// holds any token the sandbox issued for the mailbox, nor the app's client secret.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { expect, test } from "@playwright/test";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";
import { addAndConnectMailbox, SANDBOX_PASSWORD } from "../support/microsoft";
import { sandboxAdmin } from "../support/sandbox-admin";
import { SEED } from "../../sandbox/directory/seed";
import { parseKeyring } from "../../lib/crypto/keyring";
import { unseal } from "../../lib/crypto/seal";

const f = fixture();
test.skip(!f.sandbox, "the sandbox isn't part of this checkout");
test.slow(true, "a full journey against the sandbox and a worker");

// A person of its own in Contoso (whose tenant has SMTP AUTH off), so no other journey shares the mailbox.
const ADDRESS = `trace-${randomUUID().slice(0, 8)}@contoso.onmicrosoft.com`;

/** The tokens the sandbox issued for the mailbox, as Consentry holds them (sealed at rest). */
async function issuedTokens(address: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: f.databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{
      workspaceId: string;
      mailboxId: string;
      sealedRefreshToken: string;
      sealedAccessToken: string | null;
    }>(
      `SELECT g."workspaceId", g."mailboxId", g."sealedRefreshToken", g."sealedAccessToken"
       FROM "Grant" g JOIN "Mailbox" m ON m."id" = g."mailboxId" WHERE m."address" = $1`,
      [address],
    );
    const ring = parseKeyring(process.env.CONSENTRY_ENCRYPTION_KEY!);
    return rows.flatMap((r) => {
      const bind = { workspaceId: r.workspaceId, rowId: r.mailboxId };
      return [
        unseal(ring, r.sealedRefreshToken, "refresh_token", bind),
        ...(r.sealedAccessToken ? [unseal(ring, r.sealedAccessToken, "access_token", bind)] : []),
      ];
    });
  } finally {
    await c.end();
  }
}

test("[TRACE] support reads the diagnosis, traces a connection test, reads the redacted transcript and exports it in the bundle", async ({
  page,
  browser,
}) => {
  const con = f.sandboxObjects.contoso;
  await sandboxAdmin("POST", "/admin/users", { upn: ADDRESS, password: SANDBOX_PASSWORD });
  // An owner connects a mailbox in Contoso, whose tenant has SMTP AUTH disabled: it is failing.
  await signIn(page, f.users.owner);
  const mailboxUrl = await addAndConnectMailbox(page, con.tenant, ADDRESS);
  await expect(page.getByTestId("test-step-smtp-failed")).toBeVisible();

  // Support (an admin who sees every tenant and may run tests), in a browser of their own, finds it on Health.
  const ctx = await browser.newContext({ acceptDownloads: true });
  const sp = await ctx.newPage();
  await signIn(sp, f.users.admin);
  await sp.getByRole("link", { name: "Health", exact: true }).click();
  const row = sp.getByTestId("health-list").getByRole("row").filter({ hasText: ADDRESS });
  await expect(row).toContainText("Degraded");
  await row.getByRole("link", { name: ADDRESS }).click();
  await expect(sp).toHaveURL((u) => u.pathname === new URL(mailboxUrl).pathname);

  // The diagnosis in plain words and the fix, with the evidence (Exchange's own reply) on the failed step.
  const diagnosis = sp.getByTestId("diagnosis").first();
  await expect(diagnosis).toContainText("SMTP AUTH");
  await expect(sp.getByTestId("test-step-smtp-failed")).toContainText("5.7.139");
  await expect(diagnosis).toContainText("Set-TransportConfig -SmtpClientAuthenticationDisabled $false");
  // The fix links where it is done: the Exchange admin center, opened on this customer's organization.
  await expect(diagnosis.getByTestId("fix-link-exchange_mailboxes")).toHaveAttribute(
    "href",
    new RegExp(`^https://admin\\.exchange\\.microsoft\\.com/\\?delegatedOrg=(contoso\\.onmicrosoft\\.com|${SEED.contoso.id})#/mailboxes$`),
  );

  // Trace is off until someone turns it on; nothing has been recorded.
  const card = sp.locator("section").filter({ has: sp.getByRole("heading", { name: "Trace", exact: true }) });
  await expect(card).toContainText("Off");
  await expect(sp.getByTestId("trace-empty")).toBeVisible();
  await sp.getByTestId("trace-switch").click();
  await expect(card).toContainText(/On, (\d+ min|1 h) left/);
  await expect(sp.getByTestId("trace-switch")).toHaveText("Turn trace off");

  // Test connection: the transcript appears with the conversation, credentials removed.
  await sp.getByRole("button", { name: "Test connection" }).click();
  const transcript = sp.getByTestId("trace-transcript");
  await expect(transcript).toContainText("5.7.139", { timeout: 30_000 });
  await expect(transcript).toContainText("STATUS INBOX");
  await expect(transcript).toContainText("AUTHENTICATE XOAUTH2");
  await expect(transcript).toContainText("AUTH XOAUTH2 [redacted]");
  const shown = (await transcript.textContent()) ?? "";

  // The mailbox's support bundle carries the transcript.
  const [download] = await Promise.all([sp.waitForEvent("download"), sp.getByRole("link", { name: "Export support bundle" }).click()]);
  const text = readFileSync((await download.path())!, "utf8");
  const mb = JSON.parse(text).tenants[0].mailboxes[0];
  expect(mb.address).toBe(ADDRESS);
  expect(mb.trace.until).toBeTruthy();
  expect(mb.trace.traces[0].kind).toBe("test");
  expect(JSON.stringify(mb.trace.traces[0].lines)).toContain("5.7.139");

  // Neither the transcript nor the bundle holds a token the sandbox issued, nor the client secret.
  const tokens = await issuedTokens(ADDRESS);
  expect(tokens.length).toBeGreaterThanOrEqual(2);
  for (const v of [...tokens, SEED.contoso.secret]) {
    expect(shown).not.toContain(v);
    expect(text).not.toContain(v);
    expect(text).not.toContain(v.slice(0, 40));
  }
  for (const t of [shown, text]) expect(t).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);

  // Turning trace on is on the audit trail.
  const audit = await (await page.request.get(`/api/audit?action=mailbox.trace_on&tenantId=${con.tenant}`)).json();
  expect(audit.entries[0]).toMatchObject({ actorEmail: f.users.admin, targetType: "mailbox" });
  await ctx.close();
});
