// Integration against real PostgreSQL and a real HTTP receiver on loopback: triggers write
// deliveries in the same transaction as the change (state, new mail, send result), the dispatcher
// signs and POSTs them, retries failures, honours 410 Gone, and private targets are refused
// unless allowed.
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { resetEnvCache } from "../env";
import { createWebhook, redeliver, sendTestEvent, ZWebhookCreate } from "./webhooks";
import { deliverDueWebhooks, postJson } from "./dispatch";
import { signPayload, verifySignature } from "./signature";
import { isPrivateAddress, webhookUrlProblem } from "./url-safety";
import { dumpDatabase } from "../../testing/dump-database";

type TGot = { headers: http.IncomingHttpHeaders; body: string };
const got: TGot[] = [];
let answer = 200;
let server: http.Server;
let url = "";

beforeAll(async () => {
  process.env.WEBHOOK_ALLOW_PRIVATE = "1";
  resetEnvCache();
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(answer).end(answer >= 400 ? "nope" : "ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(() => {
  server?.close();
  delete process.env.WEBHOOK_ALLOW_PRIVATE;
  resetEnvCache();
});

async function world() {
  const ws = await db().workspace.create({ data: { name: "Hooks", slug: `hooks-${randomUUID()}` } });
  const t = await db().tenant.create({ data: { workspaceId: ws.id, displayName: "T", cloud: "global" } });
  const other = await db().tenant.create({ data: { workspaceId: ws.id, displayName: "Other", cloud: "global" } });
  const mb = await db().mailbox.create({ data: { workspaceId: ws.id, tenantId: t.id, address: "helpdesk@t.example.com" } });
  const actor = { workspaceId: ws.id, email: "owner@msp.test" };
  const scope = { role: "owner" as const, hasAllTenants: true, tenantIds: [] };
  return { ws, t, other, mb, actor, scope };
}
const drain = async () => {
  let n = 0;
  for (let i = 0; i < 10; i++) {
    const k = await deliverDueWebhooks("w1", { concurrency: 4 });
    n += k;
    if (!k) break;
  }
  return n;
};

describe("webhooks", { timeout: 30_000 }, () => {
  it("state changes, new mail and send results become signed deliveries; other tenants' endpoints get nothing", async () => {
    const w = await world();
    const input = ZWebhookCreate.parse({
      url,
      events: ["message.received", "mailbox.state_changed", "outbound.sent", "outbound.failed"],
      hasAllTenants: true,
    });
    const { webhook, secret } = await createWebhook({ workspaceId: w.ws.id, actor: w.actor, scope: w.scope, input });
    expect(secret).toMatch(/^whsec_/);
    const sealed = await db().webhookEndpoint.findUniqueOrThrow({ where: { id: webhook.id }, omit: { sealedSecret: false } });
    expect(sealed.sealedSecret).not.toContain(secret);
    expect(await dumpDatabase(process.env.DATABASE_URL!)).not.toContain(secret.slice(6));
    const limited = await createWebhook({
      workspaceId: w.ws.id,
      actor: w.actor,
      scope: w.scope,
      input: ZWebhookCreate.parse({
        url: `${url}?other`,
        events: ["mailbox.state_changed"],
        hasAllTenants: false,
        tenantIds: [w.other.id],
      }),
    });

    await db().mailbox.update({ where: { id: w.mb.id }, data: { state: "needs_reconsent", stateCode: "refresh_token_revoked" } });
    const msg = await db().message.create({
      data: {
        workspaceId: w.ws.id,
        tenantId: w.t.id,
        mailboxId: w.mb.id,
        sourceKey: "imap:1:1",
        folder: "INBOX",
        internetMessageId: "<m1@example.com>",
        fromAddress: "alice@example.com",
        subject: "Printer",
        size: 10,
        receivedAt: new Date("2026-11-29T08:00:00Z"),
        rawMime: new Uint8Array(Buffer.from("Subject: Printer\r\n\r\nhi")),
      },
    });
    const out = await db().outboundMessage.create({
      data: {
        workspaceId: w.ws.id,
        tenantId: w.t.id,
        mailboxId: w.mb.id,
        recipients: ["a@example.com"],
        subject: "Re: Printer",
        rawMime: new Uint8Array(Buffer.from("x")),
        status: "sending",
        attempts: 1,
      },
    });
    await db().outboundMessage.update({ where: { id: out.id }, data: { status: "sent" } });
    expect(await db().webhookDelivery.count({ where: { endpointId: limited.webhook.id } })).toBe(0);

    got.length = 0;
    expect(await drain()).toBe(3);
    const byType = Object.fromEntries(got.map((g) => [g.headers["consentry-event"], g]));
    for (const g of got) {
      expect(verifySignature(secret, g.headers["consentry-signature"] as string, g.body)).toBe(true);
      expect(verifySignature(secret, g.headers["consentry-signature"] as string, g.body.replace("}", ', "x": 1}'))).toBe(false);
      expect(JSON.parse(g.body).id).toBe(g.headers["consentry-delivery"]);
    }
    expect(JSON.parse(byType["mailbox.state_changed"].body)).toMatchObject({
      type: "mailbox.state_changed",
      tenantId: w.t.id,
      data: { mailboxId: w.mb.id, from: "pending_consent", to: "needs_reconsent", diagnosisCode: "refresh_token_revoked" },
    });
    expect(JSON.parse(byType["message.received"].body).data).toMatchObject({
      messageId: msg.id,
      internetMessageId: "<m1@example.com>",
      from: "alice@example.com",
      subject: "Printer",
      receivedAt: "2026-11-29T08:00:00.000Z",
    });
    expect(JSON.parse(byType["outbound.sent"].body).data).toMatchObject({ outboundId: out.id, recipients: ["a@example.com"] });
    expect(await db().webhookDelivery.count({ where: { endpointId: webhook.id, status: "delivered" } })).toBe(3);
    expect((await db().webhookEndpoint.findUniqueOrThrow({ where: { id: webhook.id } })).lastSuccessAt).not.toBeNull();

    // The same change recorded the mailbox's state history.
    const history = await db().mailboxStateChange.findMany({ where: { mailboxId: w.mb.id }, orderBy: { createdAt: "asc" } });
    expect(history.map((h) => [h.fromState, h.toState])).toEqual([
      [null, "pending_consent"],
      ["pending_consent", "needs_reconsent"],
    ]);
  });

  it("a failing receiver is retried with backoff; redeliver works; 410 Gone turns the endpoint off", async () => {
    const w = await world();
    const { webhook } = await createWebhook({
      workspaceId: w.ws.id,
      actor: w.actor,
      scope: w.scope,
      input: ZWebhookCreate.parse({ url, events: ["mailbox.state_changed"], hasAllTenants: true }),
    });
    const { deliveryId } = await sendTestEvent({ workspaceId: w.ws.id, actor: w.actor, scope: w.scope, id: webhook.id });
    answer = 503;
    try {
      await drain();
      let d = await db().webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
      expect(d).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 503, lastError: "HTTP 503: nope" });
      expect(d.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 20_000);
      answer = 200;
      await db().webhookDelivery.update({ where: { id: deliveryId }, data: { nextAttemptAt: new Date() } });
      await drain();
      d = await db().webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
      expect(d).toMatchObject({ status: "delivered", attempts: 2, lastStatusCode: 200 });
      got.length = 0;
      await redeliver({ workspaceId: w.ws.id, actor: w.actor, scope: w.scope, endpointId: webhook.id, deliveryId });
      await drain();
      expect(got).toHaveLength(1);
      answer = 410;
      await sendTestEvent({ workspaceId: w.ws.id, actor: w.actor, scope: w.scope, id: webhook.id });
      await drain();
      expect((await db().webhookEndpoint.findUniqueOrThrow({ where: { id: webhook.id } })).isEnabled).toBe(false);
      // An endpoint that is off gets no new deliveries from the triggers.
      await db().mailbox.update({ where: { id: w.mb.id }, data: { state: "connected" } });
      expect(await db().webhookDelivery.count({ where: { endpointId: webhook.id, eventType: "mailbox.state_changed" } })).toBe(0);
    } finally {
      answer = 200;
    }
  });

  it("another workspace can't touch an endpoint; private targets are refused unless allowed", async () => {
    const w = await world();
    const o = await world();
    const { webhook } = await createWebhook({
      workspaceId: w.ws.id,
      actor: w.actor,
      scope: w.scope,
      input: ZWebhookCreate.parse({ url, events: ["mailbox.state_changed"], hasAllTenants: true }),
    });
    await expect(sendTestEvent({ workspaceId: o.ws.id, actor: o.actor, scope: o.scope, id: webhook.id })).rejects.toMatchObject({
      status: 404,
    });
    expect(await postJson(url, "{}", {}, false)).toEqual({ error: "Use https:// (plain http is only allowed for local testing)." });
    expect(await postJson(url.replace("http:", "https:"), "{}", {}, false)).toEqual({
      error: "That address is on a private network; webhooks go to public endpoints.",
    });
    expect(webhookUrlProblem("https://hooks.example.com/x", false)).toBeNull();
    expect(webhookUrlProblem("https://user:pw@hooks.example.com/x", false)).toMatch(/credentials/);
    expect(webhookUrlProblem("https://169.254.169.254/latest", false)).toMatch(/private/);
    expect(webhookUrlProblem("not a url", false)).toMatch(/full URL/);
    for (const ip of [
      "10.1.2.3",
      "172.20.0.1",
      "192.168.1.1",
      "127.0.0.1",
      "100.64.0.1",
      "::1",
      "fd00::1",
      "fe80::1",
      "::ffff:10.0.0.1",
      "0.0.0.0",
    ])
      expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of ["8.8.8.8", "172.32.0.1", "2001:4860:4860::8888"]) expect(isPrivateAddress(ip), ip).toBe(false);
  });

  it("signatures expire and need the exact secret", () => {
    const body = '{"a":1}';
    const now = Date.now();
    const h = signPayload("s1", body, Math.floor(now / 1000));
    expect(verifySignature("s1", h, body, 300, now)).toBe(true);
    expect(verifySignature("s2", h, body, 300, now)).toBe(false);
    expect(verifySignature("s1", h, body, 300, now + 301_000)).toBe(false);
    expect(verifySignature("s1", "garbage", body)).toBe(false);
  });
});
