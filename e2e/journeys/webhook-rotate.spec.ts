// [WEBHOOKS] An admin rotates an endpoint's signing secret in Settings → Webhooks: the new secret
// is shown once, and during the grace period deliveries carry a signature for each secret, so the
// receiver verifies with either (issue 9, finding 13).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { apiAs } from "../support/api-session";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";
import { verifySignature } from "../../lib/webhooks/signature";

const f = fixture();

test("[WEBHOOKS] rotate a webhook's secret: shown once, both secrets sign during the grace period", async ({ page }) => {
  const got: { event: string; signature: string; body: string }[] = [];
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
  const owner = await apiAs(f.users.owner);
  const created = await owner.post("/api/webhooks", {
    data: {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/rotate`,
      description: "Rotation e2e",
      events: ["message.received"],
      hasAllTenants: true,
      tenantIds: [],
    },
  });
  expect(created.status()).toBe(201);
  const { webhook, secret: first } = await created.json();
  try {
    await signIn(page, f.users.owner);
    await page.goto("/settings/webhooks");
    const card = page.getByTestId(`webhook-${webhook.id}`);
    page.once("dialog", (d) => void d.accept());
    await card.getByRole("button", { name: "Rotate secret" }).click();
    const shown = page.getByTestId("rotated-webhook-secret");
    await expect(shown).toHaveText(/^whsec_/);
    const second = (await shown.textContent())!;
    expect(second).not.toBe(first);

    await card.getByRole("button", { name: "Send test event" }).click();
    await expect.poll(() => got.filter((g) => g.event === "webhook.test").length, { timeout: 15_000 }).toBe(1);
    const d = got.find((g) => g.event === "webhook.test")!;
    expect(d.signature.split(",").filter((p) => p.startsWith("v1="))).toHaveLength(2);
    expect(verifySignature(second, d.signature, d.body)).toBe(true);
    expect(verifySignature(first, d.signature, d.body)).toBe(true);

    // Shown once: after a reload the page has no secret to show.
    await page.reload();
    await expect(page.getByTestId(`webhook-${webhook.id}`)).toBeVisible();
    await expect(page.getByTestId("rotated-webhook-secret")).toHaveCount(0);
    expect(await page.content()).not.toContain(second);
    // A rotation by an unknown id is a 404; bad input a 400.
    expect((await owner.post(`/api/webhooks/${crypto.randomUUID()}/rotate-secret`, { data: {} })).status()).toBe(404);
    expect((await owner.post(`/api/webhooks/${webhook.id}/rotate-secret`, { data: { graceHours: 9999 } })).status()).toBe(400);
  } finally {
    await owner.delete(`/api/webhooks/${webhook.id}`);
    server.close();
  }
});
