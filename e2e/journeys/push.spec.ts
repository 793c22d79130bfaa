// [PUSH] A Graph mailbox: once connected, the worker subscribes to Graph change notifications
// through the web app's public endpoint (validation handshake included), and new mail shows up
// in seconds, well before the one-minute poll.
import { expect, test } from "@playwright/test";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";
import { sandboxAdmin } from "../support/sandbox-admin";
import { addAndConnectMailbox, microsoftSignIn } from "../support/microsoft";
import { SEED } from "../../sandbox/directory/seed";

const f = fixture();
test.skip(!f.sandbox, "the sandbox isn't part of this checkout");
// A whole journey (sign-ins with scrypt at OWASP's cost, Microsoft sign-in, worker syncs and sends): its
// steps' own waits add up past the default 60 s on a loaded machine.
test.slow(true, "a full journey against the sandbox and a worker");

const ADDRESS = "admin@fabrikam.onmicrosoft.com";

test("[PUSH] new mail in a Graph mailbox arrives by notification, not by the next poll", async ({ page }) => {
  const fab = f.sandboxObjects.fabrikam;
  // The API calls ride on the owner's browser session (one sign-in, each a scrypt hash).
  await signIn(page, f.users.owner);
  const owner = page.request;
  const app = await owner.post("/api/apps", {
    data: {
      tenantId: fab.tenant,
      displayName: "Fabrikam Graph",
      clientId: SEED.fabrikam.clientId,
      kind: "single_tenant",
      scopeProfile: "graph",
      secret: { value: SEED.fabrikam.secret, expiresAt: new Date(Date.now() + 300 * 86_400_000).toISOString() },
    },
  });
  expect(app.status()).toBe(201);
  const appId = (await app.json()).app.id;
  const mb = await owner.post(`/api/tenants/${fab.tenant}/mailboxes`, {
    data: { address: ADDRESS, kind: "user", appRegistrationId: appId, inbound: "graph", outbound: "graph" },
  });
  expect(mb.status()).toBe(201);
  const { mailbox } = await mb.json();

  await page.goto(`/tenants/${fab.tenant}/mailboxes/${mailbox.id}`);
  await page.getByRole("button", { name: "Connect" }).click();
  await microsoftSignIn(page, ADDRESS, ADDRESS);
  if (
    await page
      .getByRole("button", { name: "Accept" })
      .isVisible()
      .catch(() => false)
  )
    await page.getByRole("button", { name: "Accept" }).click();
  await expect(page.getByTestId("connected-banner")).toBeVisible();
  await expect(page.getByTestId("push-status")).toContainText("Pushed by Graph", { timeout: 45_000 });
  // The first sync has run; now a new message arrives.
  await expect(page.getByTestId("message-total")).not.toHaveText("0 stored", { timeout: 30_000 });
  const subject = `Printer on floor 3 ${Date.now()}`;
  await sandboxAdmin("POST", `/admin/mail/mailboxes/${ADDRESS}/messages`, {
    raw: `From: someone@example.com\nTo: ${ADDRESS}\nSubject: ${subject}\n\nIt jams.\n`,
  });
  await expect(page.getByTestId("message-list")).toContainText(subject, { timeout: 20_000 });
  await expect(page.getByTestId("push-status")).not.toContainText("last notice never");
});

test("[PUSH] new mail in an IMAP mailbox arrives through IMAP IDLE", async ({ page }) => {
  const address = "admin@contoso.onmicrosoft.com";
  await signIn(page, f.users.owner);
  await addAndConnectMailbox(page, f.sandboxObjects.contoso.tenant, address);
  await expect(page.getByTestId("connected-banner")).toBeVisible();
  await expect(page.getByTestId("push-status")).toContainText("Pushed by IMAP IDLE", { timeout: 30_000 });
  await expect(page.getByTestId("message-total")).not.toHaveText("0 stored", { timeout: 30_000 });
  const subject = `Password reset request ${Date.now()}`;
  await sandboxAdmin("POST", `/admin/mail/mailboxes/${address}/messages`, {
    raw: `From: someone@example.com\nTo: ${address}\nSubject: ${subject}\n\nPlease help.\n`,
  });
  await expect(page.getByTestId("message-list")).toContainText(subject, { timeout: 20_000 });
  // "Sync now" asks a worker to sync at once.
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByText("Sync requested")).toBeVisible();
});
