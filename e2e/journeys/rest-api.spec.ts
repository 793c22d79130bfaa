// [API] A helpdesk integration end to end: an admin creates an API key (shown once), the helpdesk
// polls the mail the worker pulled with a cursor, downloads a raw message, queues a reply with an
// Idempotency-Key, the worker sends it over SMTP, the outbox shows it, and a revoked key stops.
import { expect, request, test } from "@playwright/test";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";
import { sandboxAdmin } from "../support/sandbox-admin";
import { addAndConnectMailbox } from "../support/microsoft";

const f = fixture();
test.skip(!f.sandbox, "the sandbox isn't part of this checkout");
// A whole journey (sign-ins with scrypt at OWASP's cost, Microsoft sign-in, worker syncs and sends): its
// steps' own waits add up past the default 60 s on a loaded machine.
test.slow(true, "a full journey against the sandbox and a worker");

const BOB = "bob@fabrikam.onmicrosoft.com";
const ADMIN = "admin@fabrikam.onmicrosoft.com";

test("[API] a helpdesk reads pulled mail and sends a reply through the REST API", async ({ page }) => {
  const fab = f.sandboxObjects.fabrikam;
  await signIn(page, f.users.owner);
  const mailboxUrl = await addAndConnectMailbox(page, fab.tenant, BOB);
  await expect(page.getByTestId("test-step-smtp-ok")).toBeVisible();
  await expect(page.getByTestId("outbox-list")).toHaveCount(0);

  // The key, created in Settings and shown once.
  await page.getByRole("link", { name: "API keys" }).click();
  await page.getByRole("button", { name: "Create API key" }).first().click();
  await page.getByLabel("Key name").fill("Helpdesk production");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("api-key-value").textContent())!;
  expect(key).toMatch(/^csk_[A-Za-z0-9_-]{32}$/);
  await expect(page.getByTestId("api-keys")).toContainText("Helpdesk production");
  await page.getByRole("button", { name: "Done" }).click();
  await page.reload();
  await expect(page.getByTestId("api-keys")).toContainText(key.slice(0, 12));
  expect(await page.content()).not.toContain(key);

  // The OpenAPI document needs no key: it describes, it grants nothing.
  const anon = await request.newContext({ baseURL: f.baseUrl });
  const spec = await (await anon.get("/api/v1/openapi.json")).json();
  expect(spec.openapi).toBe("3.1.0");
  expect(Object.keys(spec.paths)).toContain("/api/v1/mailboxes/{mailboxId}/send");
  await anon.dispose();

  const api = await request.newContext({ baseURL: f.baseUrl, extraHTTPHeaders: { authorization: `Bearer ${key}` } });
  const status = await (await api.get("/api/v1/status")).json();
  expect(status.workers.alive).toBeGreaterThan(0);
  expect(["ok", "warning", "critical"]).toContain(status.status);
  const { mailboxes } = await (await api.get(`/api/v1/mailboxes?tenantId=${fab.tenant}`)).json();
  const bob = mailboxes.find((m: { address: string }) => m.address === BOB);
  expect(bob).toMatchObject({ state: "connected", tenantName: "Fabrikam (sandbox)", diagnosis: null });

  // The worker's first sync: poll with the cursor; pages never overlap.
  await expect
    .poll(async () => (await (await api.get(`/api/v1/mailboxes/${bob.id}/messages?limit=5`)).json()).messages.length, { timeout: 30_000 })
    .toBe(5);
  const p1 = await (await api.get(`/api/v1/mailboxes/${bob.id}/messages?limit=5`)).json();
  const p2 = await (await api.get(`/api/v1/mailboxes/${bob.id}/messages?limit=5&after=${p1.nextCursor}`)).json();
  expect(p1.hasMore).toBe(true);
  const ids1 = p1.messages.map((m: { id: string }) => m.id);
  expect(p2.messages.map((m: { id: string }) => m.id).filter((id: string) => ids1.includes(id))).toEqual([]);
  const raw = await api.get(`/api/v1/messages/${ids1[0]}/raw`);
  expect(raw.headers()["content-type"]).toBe("message/rfc822");
  expect(await raw.text()).toMatch(/^Subject: /m);

  // A reply, queued twice with one Idempotency-Key: queued once, sent once by the worker.
  const body = {
    to: [ADMIN],
    subject: "Re: printer on floor 2",
    text: "Fixed, please try again.",
    inReplyTo: p1.messages[0].internetMessageId ?? undefined,
    attachments: [
      { filename: "ticket-42.txt", contentType: "text/plain", contentBase64: Buffer.from("Ticket 42: printer fixed.").toString("base64") },
    ],
  };
  const first = await api.post(`/api/v1/mailboxes/${bob.id}/send`, { data: body, headers: { "idempotency-key": "ticket-42-reply-1" } });
  expect(first.status()).toBe(202);
  const { message } = await first.json();
  const again = await api.post(`/api/v1/mailboxes/${bob.id}/send`, { data: body, headers: { "idempotency-key": "ticket-42-reply-1" } });
  expect(again.status()).toBe(200);
  expect((await again.json()).message.id).toBe(message.id);
  await expect
    .poll(async () => (await (await api.get(`/api/v1/outbound/${message.id}`)).json()).message.status, { timeout: 20_000 })
    .toBe("sent");
  const inbox = await sandboxAdmin("GET", `/admin/mail/mailboxes/${ADMIN}?limit=1`);
  expect(inbox.messages[0]).toMatchObject({ subject: "Re: printer on floor 2", from: BOB, hasAttachments: true });

  // The mailbox's outbox shows it.
  await page.goto(mailboxUrl);
  await expect(page.getByTestId("outbox-sent")).toContainText("Re: printer on floor 2");
  await expect(page.getByTestId("outbox-sent")).toContainText("api:csk_");

  // Bad input gets field messages; a revoked key stops at once.
  const bad = await api.post(`/api/v1/mailboxes/${bob.id}/send`, { data: { to: ["not an address"], text: "x" } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.fields.to).toBe("Use a valid email address.");
  await page.getByRole("link", { name: "API keys" }).click();
  page.once("dialog", (d) => void d.accept());
  await page
    .getByTestId("api-keys")
    .getByRole("row")
    .filter({ hasText: "Helpdesk production" })
    .getByRole("button", { name: "Revoke" })
    .click();
  await expect(page.getByTestId("api-keys").getByRole("row").filter({ hasText: "Helpdesk production" })).toContainText("revoked");
  const after = await api.get("/api/v1/status");
  expect(after.status()).toBe(401);
  expect(after.headers()["www-authenticate"]).toContain("Bearer");
  await api.dispose();
});
