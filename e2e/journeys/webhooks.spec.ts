// [WEBHOOKS] An admin adds an endpoint (a real receiver on loopback), checks it with a test event,
// connects a mailbox, and the receiver gets the state change and the new mail pulled by the
// worker, each signed with the secret shown once; the deliveries are listed in Settings.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";
import { addAndConnectMailbox } from "../support/microsoft";
import { verifySignature } from "../../lib/webhooks/signature";

const f = fixture();
test.skip(!f.sandbox, "the sandbox isn't part of this checkout");
// A whole journey (sign-ins with scrypt at OWASP's cost, Microsoft sign-in, worker syncs and sends): its
// steps' own waits add up past the default 60 s on a loaded machine.
test.slow(true, "a full journey against the sandbox and a worker");

const ADDRESS = "it@fabrikam.onmicrosoft.com";
type TGot = { event: string; signature: string; body: string };

test("[WEBHOOKS] signed events for a test, a state change and new mail reach the receiver", async ({ page }) => {
  const got: TGot[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      got.push({
        event: String(req.headers["consentry-event"]),
        signature: String(req.headers["consentry-signature"]),
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/consentry`;
  try {
    await signIn(page, f.users.owner);
    // The sidebar's link (the overview also links "Webhooks" once deliveries failed this week).
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
    // The workspace already has endpoints (the cross-tenant suites seed two), so this journey works on
    // its own endpoint's card rather than on an empty page.
    await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
    await page.getByRole("button", { name: "Add endpoint" }).first().click();
    await page.getByLabel("Endpoint URL").fill("ftp://nope");
    await page.getByRole("button", { name: "Save endpoint" }).click();
    await expect(page.getByText("Use https://")).toBeVisible();
    await page.getByLabel("Endpoint URL").fill(url);
    await page.getByLabel("Description").fill("Helpdesk intake");
    await page.getByRole("button", { name: "Save endpoint" }).click();
    const secret = (await page.getByTestId("webhook-secret").textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole("button", { name: "Done" }).click();

    const card = page.locator("section").filter({ has: page.getByRole("heading", { name: url, exact: true }) });
    await card.getByRole("button", { name: "Send test event" }).click();
    await expect.poll(() => got.filter((g) => g.event === "webhook.test").length, { timeout: 15_000 }).toBe(1);
    const test1 = got.find((g) => g.event === "webhook.test")!;
    expect(verifySignature(secret, test1.signature, test1.body)).toBe(true);
    await expect(card.getByTestId("delivery-webhook.test")).toContainText("delivered");

    // Connect a mailbox: the state change and the first sync's mail arrive as events.
    await addAndConnectMailbox(page, f.sandboxObjects.fabrikam.tenant, ADDRESS);
    await expect(page.getByTestId("connected-banner")).toBeVisible();

    const forMailbox = (type: string) => got.filter((g) => g.event === type && JSON.parse(g.body).data.address === ADDRESS);
    await expect.poll(() => forMailbox("mailbox.state_changed").length, { timeout: 15_000 }).toBeGreaterThan(0);
    const change = JSON.parse(forMailbox("mailbox.state_changed")[0].body);
    expect(change).toMatchObject({
      type: "mailbox.state_changed",
      tenantId: f.sandboxObjects.fabrikam.tenant,
      data: { from: "pending_consent", to: "connected" },
    });
    const mailboxId = change.data.mailboxId;
    const mail = () => got.filter((g) => g.event === "message.received" && JSON.parse(g.body).data.mailboxId === mailboxId);
    await expect.poll(() => mail().length, { timeout: 30_000 }).toBeGreaterThan(0);
    for (const g of [...mail(), ...forMailbox("mailbox.state_changed")]) expect(verifySignature(secret, g.signature, g.body)).toBe(true);
    expect(JSON.parse(mail()[0].body).data).toMatchObject({ mailboxId, folder: "INBOX" });
    // The ids are unique, so a receiver can drop a redelivered duplicate.
    const ids = got.map((g) => JSON.parse(g.body).id);
    expect(new Set(ids).size).toBe(ids.length);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
    await card.getByRole("button", { name: "Show deliveries" }).click();
    await expect(card.getByTestId("delivery-message.received").first()).toContainText("delivered");
    await card.getByRole("button", { name: "Turn off" }).click();
    await expect(card.getByText("off", { exact: true })).toBeVisible();
  } finally {
    server.close();
  }
});
