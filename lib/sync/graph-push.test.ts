// Integration: Graph push against the sandbox, with the notification endpoint's logic served on
// loopback: the validation handshake, a subscription per Graph mailbox, new mail that makes the
// mailbox due at once, forged notifications ignored, renewal and re-creation after lifecycle events.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED } from "../../sandbox/directory/seed";
import { mailboxWithSandboxGrant, sandboxForFile } from "../../testing/sandbox-grant";
import { waitFor } from "../../testing/wait-for";
import { ensureGraphSubscriptions, ensureSubscription, handleGraphNotification } from "./graph-push";
import { listenDue } from "./wakeups";

const F = SEED.fabrikam;
const env = sandboxForFile();
let server: http.Server;
let url = "";

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const u = new URL(req.url ?? "/", "http://x");
      const text = Buffer.concat(chunks).toString();
      const r = await handleGraphNotification({
        validationToken: u.searchParams.get("validationToken"),
        body: text ? JSON.parse(text) : undefined,
      });
      res.writeHead(r.status, { "content-type": "text/plain" }).end(r.text ?? "");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/graph/notifications`;
});
afterAll(() => server?.close());

const due = async (id: string) =>
  (await db().mailbox.findUniqueOrThrow({ where: { id }, select: { nextSyncAt: true } })).nextSyncAt!.getTime() <= Date.now();
const later = (id: string) => db().mailbox.update({ where: { id }, data: { nextSyncAt: new Date(Date.now() + 3600_000) } });

describe("Graph push", { timeout: 60_000 }, () => {
  it("subscribes, and new mail makes the mailbox due within seconds; forged notifications do nothing", async () => {
    const address = `bob@${F.domain}`;
    const m = await mailboxWithSandboxGrant(env.sb, address, {
      tenant: F,
      scopes: ["https://graph.microsoft.com/Mail.ReadWrite"],
      mailbox: { inbound: "graph", outbound: "none" },
    });
    expect(await ensureSubscription(m.ctx, { url })).toBe("created");
    expect(await ensureSubscription(m.ctx, { url })).toBe("fresh");
    const sub = await db().graphSubscription.findUniqueOrThrow({ where: { mailboxId: m.ctx.mailboxId } });
    const atGraph = (await env.sb.admin("GET", "/admin/graph/subscriptions")).body.subscriptions.find(
      (s: { id: string }) => s.id === sub.id,
    );
    expect(atGraph).toMatchObject({ notificationUrl: url, changeType: "created" });
    expect(sub.clientStateHash).not.toBe(atGraph.clientState);

    await later(m.ctx.mailboxId);
    // Every worker hears a genuine notification's mailbox (LISTEN/NOTIFY), never a forged one's.
    const woken: string[] = [];
    const unlisten = await listenDue((id) => woken.push(id));
    await handleGraphNotification({
      validationToken: null,
      body: { value: [{ subscriptionId: sub.id, clientState: "forged", changeType: "created" }] },
    });
    expect(await due(m.ctx.mailboxId)).toBe(false);
    // A batch in Graph's documented shape, with a lifecycle event this code doesn't know, is
    // still accepted (202), so Graph doesn't retry it; forged items in it still do nothing.
    expect(
      await handleGraphNotification({
        validationToken: null,
        body: {
          value: [
            {
              id: "lsgTZMr9KwAAA",
              subscriptionId: sub.id,
              subscriptionExpirationDateTime: "2026-12-01T00:00:00.0000000Z",
              clientState: "forged",
              changeType: "created",
              resource: "users/00000000-0000-0000-0000-000000000001@00000000-0000-0000-0000-000000000002/messages/AAMkAD1",
              tenantId: "00000000-0000-0000-0000-000000000002",
              resourceData: {
                "@odata.type": "#Microsoft.Graph.Message",
                "@odata.id": "Users/00000000-0000-0000-0000-000000000001@00000000-0000-0000-0000-000000000002/Messages/AAMkAD1",
                "@odata.etag": 'W/"CQAAABYAAADkrWGo7bouTKlsgTZMr9KwAAAUWRHf"',
                id: "AAMkAD1",
              },
            },
            { subscriptionId: sub.id, clientState: "forged", lifecycleEvent: "unknownFutureValue" },
          ],
        },
      }),
    ).toEqual({ status: 202 });
    expect(await due(m.ctx.mailboxId)).toBe(false);

    await env.sb.admin("POST", `/admin/mail/mailboxes/${address}/messages`, {
      raw: "From: a@example.com\nTo: bob@fabrikam.onmicrosoft.com\nSubject: Push me\n\nhello\n",
    });
    expect(await waitFor(() => due(m.ctx.mailboxId))).toBe(true);
    expect(await waitFor(async () => woken.length > 0)).toBe(true);
    await unlisten();
    expect(woken).toEqual([m.ctx.mailboxId]);
    expect((await db().graphSubscription.findUniqueOrThrow({ where: { id: sub.id } })).lastNotificationAt).not.toBeNull();
    expect(await handleGraphNotification({ validationToken: "Validation: abc", body: undefined })).toEqual({
      status: 200,
      text: "Validation: abc",
    });
  });

  it("renews after reauthorizationRequired and re-creates after subscriptionRemoved", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `it@${F.domain}`, {
      tenant: F,
      scopes: ["https://graph.microsoft.com/Mail.ReadWrite"],
      mailbox: { inbound: "graph", outbound: "none" },
    });
    await ensureSubscription(m.ctx, { url });
    const first = await db().graphSubscription.findUniqueOrThrow({ where: { mailboxId: m.ctx.mailboxId } });
    await env.sb.admin("POST", `/admin/graph/subscriptions/${first.id}/lifecycle`, { event: "reauthorizationRequired" });
    expect(
      await waitFor(
        async () => (await db().graphSubscription.findUniqueOrThrow({ where: { id: first.id } })).expiresAt.getTime() <= Date.now(),
      ),
    ).toBe(true);
    expect(await ensureSubscription(m.ctx, { url })).toBe("renewed");
    expect((await db().graphSubscription.findUniqueOrThrow({ where: { id: first.id } })).expiresAt.getTime()).toBeGreaterThan(
      Date.now() + 24 * 3600_000,
    );
    await env.sb.admin("POST", `/admin/graph/subscriptions/${first.id}/lifecycle`, { event: "subscriptionRemoved" });
    expect(await waitFor(async () => !(await db().graphSubscription.findUnique({ where: { id: first.id } })))).toBe(true);
    expect(await ensureGraphSubscriptions({ url })).toBeGreaterThanOrEqual(1);
    const second = await db().graphSubscription.findUniqueOrThrow({ where: { mailboxId: m.ctx.mailboxId } });
    expect(second.id).not.toBe(first.id);
  });

  it("skips IMAP mailboxes, and http notification URLs outside the sandbox", async () => {
    const imap = await mailboxWithSandboxGrant(env.sb, `admin@${F.domain}`, { tenant: F });
    expect(await ensureSubscription(imap.ctx, { url })).toBe("skipped");
    const g = await mailboxWithSandboxGrant(env.sb, `helpdesk@${F.domain}`, {
      tenant: F,
      scopes: ["https://graph.microsoft.com/Mail.ReadWrite"],
      mailbox: { inbound: "graph" },
    });
    await db().tenant.update({ where: { id: g.ctx.tenantId }, data: { cloud: "global" } });
    expect(await ensureSubscription(g.ctx, { url })).toBe("skipped");
  });
});
