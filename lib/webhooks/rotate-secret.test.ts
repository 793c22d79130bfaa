// Integration (real PostgreSQL, a real receiver on loopback): rotating a webhook's signing secret.
// New deliveries are signed with the new secret; during the grace period with the old one too.
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { resetEnvCache } from "../env";
import { type HttpError } from "../core/errors";
import { dumpDatabase } from "../../testing/dump-database";
import { createWebhook, sendTestEvent, ZWebhookCreate } from "./webhooks";
import { deliverDueWebhooks } from "./dispatch";
import { rotateWebhookSecret, ZWebhookRotate } from "./rotate-secret";
import { verifySignature } from "./signature";

const got: { signature: string; body: string }[] = [];
let server: http.Server;
let url = "";

beforeAll(async () => {
  process.env.WEBHOOK_ALLOW_PRIVATE = "1";
  resetEnvCache();
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      got.push({ signature: String(req.headers["consentry-signature"]), body: Buffer.concat(chunks).toString() });
      res.writeHead(200).end("ok");
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

/** Queues a test event, delivers it, and returns what the receiver got. */
async function deliverTest(workspaceId: string, id: string, actor: { workspaceId: string; email: string }) {
  const { deliveryId } = await sendTestEvent({ workspaceId, actor, scope: { role: "owner", hasAllTenants: true, tenantIds: [] }, id });
  for (let i = 0; i < 20 && !got.some((g) => g.body.includes(deliveryId)); i++)
    await deliverDueWebhooks(`rot-${randomUUID()}`, { concurrency: 4 });
  const g = got.find((x) => x.body.includes(deliveryId));
  expect(g).toBeTruthy();
  return g!;
}
const v1s = (sig: string) => sig.split(",").filter((p) => p.startsWith("v1="));

describe("webhook secret rotation", { timeout: 60_000 }, () => {
  it("signs with the new secret, with both during the grace period, and is audited; the secret is sealed", async () => {
    const ws = await db().workspace.create({ data: { name: "Rotate", slug: `rot-${randomUUID()}` } });
    const actor = { workspaceId: ws.id, email: "owner@msp.test" };
    const all = { role: "owner" as const, hasAllTenants: true, tenantIds: [] };
    const { webhook, secret: first } = await createWebhook({
      workspaceId: ws.id,
      actor,
      scope: { role: "owner", hasAllTenants: true, tenantIds: [] },
      input: ZWebhookCreate.parse({ url, events: ["message.received"], hasAllTenants: true }),
    });

    const r = await rotateWebhookSecret({
      workspaceId: ws.id,
      actor,
      scope: all,
      id: webhook.id,
      input: ZWebhookRotate.parse({ graceHours: 24 }),
    });
    expect(r.secret).toMatch(/^whsec_/);
    expect(r.secret).not.toBe(first);
    expect(r.previousSecretValidUntil!.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    const during = await deliverTest(ws.id, webhook.id, actor);
    expect(v1s(during.signature)).toHaveLength(2);
    expect(verifySignature(r.secret, during.signature, during.body)).toBe(true);
    expect(verifySignature(first, during.signature, during.body)).toBe(true);

    // Rotating again without grace: only the newest secret signs.
    const r2 = await rotateWebhookSecret({
      workspaceId: ws.id,
      actor,
      scope: all,
      id: webhook.id,
      input: ZWebhookRotate.parse({ graceHours: 0 }),
    });
    const after = await deliverTest(ws.id, webhook.id, actor);
    expect(v1s(after.signature)).toHaveLength(1);
    expect(verifySignature(r2.secret, after.signature, after.body)).toBe(true);
    expect(verifySignature(r.secret, after.signature, after.body)).toBe(false);
    expect(verifySignature(first, after.signature, after.body)).toBe(false);

    const audit = await db().auditEntry.findMany({ where: { workspaceId: ws.id, action: "webhook.rotate_secret" } });
    expect(audit).toHaveLength(2);
    expect(JSON.stringify(audit)).not.toContain("whsec_");
    const dump = await dumpDatabase(process.env.DATABASE_URL!);
    expect(dump).not.toContain(r.secret);
    expect(dump).not.toContain(r2.secret);
  });

  it("the old secret stops signing when its grace period ends", async () => {
    const ws = await db().workspace.create({ data: { name: "Rotate 2", slug: `rot-${randomUUID()}` } });
    const actor = { workspaceId: ws.id, email: "owner@msp.test" };
    const { webhook, secret: first } = await createWebhook({
      workspaceId: ws.id,
      actor,
      scope: { role: "owner", hasAllTenants: true, tenantIds: [] },
      input: ZWebhookCreate.parse({ url, events: ["message.received"], hasAllTenants: true }),
    });
    const r = await rotateWebhookSecret({
      workspaceId: ws.id,
      actor,
      scope: { role: "owner", hasAllTenants: true, tenantIds: [] },
      id: webhook.id,
      input: ZWebhookRotate.parse(undefined),
    });
    await db().webhookEndpoint.update({ where: { id: webhook.id }, data: { previousSecretExpiresAt: new Date(Date.now() - 1000) } });
    const g = await deliverTest(ws.id, webhook.id, actor);
    expect(v1s(g.signature)).toHaveLength(1);
    expect(verifySignature(r.secret, g.signature, g.body)).toBe(true);
    expect(verifySignature(first, g.signature, g.body)).toBe(false);
  });

  it("a tenant-limited caller can't rotate an all-tenant webhook; another workspace gets 404; bad input is a 400", async () => {
    const ws = await db().workspace.create({ data: { name: "Rotate 3", slug: `rot-${randomUUID()}` } });
    const actor = { workspaceId: ws.id, email: "owner@msp.test" };
    const t = await db().tenant.create({ data: { workspaceId: ws.id, displayName: "T", cloud: "global" } });
    const { webhook } = await createWebhook({
      workspaceId: ws.id,
      actor,
      scope: { role: "owner", hasAllTenants: true, tenantIds: [] },
      input: ZWebhookCreate.parse({ url, events: ["message.received"], hasAllTenants: true }),
    });
    const input = ZWebhookRotate.parse({});
    const limited = await rotateWebhookSecret({
      workspaceId: ws.id,
      actor,
      scope: { role: "owner", hasAllTenants: false, tenantIds: [t.id] },
      id: webhook.id,
      input,
    }).catch((e: unknown) => e);
    expect((limited as HttpError).status).toBe(403);
    const foreign = await rotateWebhookSecret({
      workspaceId: randomUUID(),
      actor,
      scope: { role: "owner", hasAllTenants: true, tenantIds: [] },
      id: webhook.id,
      input,
    }).catch((e: unknown) => e);
    expect((foreign as HttpError).status).toBe(404);
    expect(ZWebhookRotate.safeParse({ graceHours: 1000 }).success).toBe(false);
    expect(ZWebhookRotate.safeParse({ graceHours: "x" }).success).toBe(false);
  });
});
