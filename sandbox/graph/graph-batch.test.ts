// JSON batching (`POST /v1.0/$batch`) against @microsoft/microsoft-graph-client's own
// BatchRequestContent / BatchResponseContent, unmodified: at most 20 requests, responses by id in
// an order of the server's, non-JSON bodies base64, dependsOn and 424, and throttling per request
// inside a batch that is itself 200.
import { BatchRequestContent, BatchResponseContent, type BatchRequestStep } from "@microsoft/microsoft-graph-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startMailSandbox, type MailSandbox } from "../../testing/start-mail-sandbox";
import { sandboxGraphClient } from "./testing/graph-test-client";

const ALICE = "alice@contoso.onmicrosoft.com";
const GRAPH = "https://graph.microsoft.com";
let sb: MailSandbox;
let ids: string[];
const client = () =>
  sandboxGraphClient(sb.graphBase, sb.ctx.tls.ca, () => sb.ctx.mint({ aud: GRAPH, upn: ALICE, scopes: ["Mail.ReadWrite"] }));
const step = (id: string, path: string, dependsOn?: string[]): BatchRequestStep => ({
  id,
  request: new Request(`${GRAPH}${path}`, { method: "GET" }),
  ...(dependsOn ? { dependsOn } : {}),
});
type GErr = { statusCode: number; code: string; message: string };
const fail = (p: Promise<unknown>) =>
  p.then(
    () => undefined as unknown as GErr,
    (e: GErr) => e,
  );

beforeAll(async () => {
  sb = await startMailSandbox();
  await sb.admin("POST", `/admin/mail/mailboxes/${ALICE}/messages`, { generate: { count: 25, size: 1200, seed: 41 } });
  const page = await client().api("/me/mailFolders/inbox/messages").select("id").top(25).get();
  ids = page.value.map((m: { id: string }) => m.id);
});
afterEach(async () => {
  await sb.admin("PUT", "/admin/graph/throttling", {
    latencyMs: 0,
    requestsPerWindow: 10_000,
    windowSeconds: 600,
    concurrency: 4,
    retryAfterSeconds: 10,
  });
});
afterAll(async () => {
  await sb.stop();
});

describe("Graph JSON batching", () => {
  it("answers each request by id (JSON as JSON, MIME base64, errors in Graph's shape), not in request order", async () => {
    const c = client();
    const batch = new BatchRequestContent([
      step("1", `/me/messages/${ids[0]}?$select=subject`),
      step("2", `/users/${ALICE}/messages/${ids[0]}/$value`),
      step("3", `/me/messages/AAMissing`),
    ]);
    const raw = await c.api("/$batch").post(await batch.getContent());
    expect(raw.responses.map((r: { id: string }) => r.id)).not.toEqual(["1", "2", "3"]);
    const res = new BatchResponseContent(raw);
    const one = res.getResponseById("1");
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id: ids[0], subject: expect.any(String) });
    const two = res.getResponseById("2");
    expect(two.status).toBe(200);
    expect(two.headers.get("content-type")).toMatch(/^text\/plain/);
    const direct = Buffer.from(
      await (
        await c
          .api(`/me/messages/${ids[0]}/$value`)
          .responseType("raw" as never)
          .get()
      ).arrayBuffer(),
    );
    expect(Buffer.from(await two.text(), "base64").equals(direct)).toBe(true);
    const three = res.getResponseById("3");
    expect(three.status).toBe(404);
    expect((await three.json()).error).toMatchObject({ code: "ErrorItemNotFound", innerError: { "request-id": expect.any(String) } });
  });

  it("refuses more than 20 requests, duplicate ids and a body without Content-Type with 400 BadRequest", async () => {
    const c = client();
    const req = (id: string) => ({ id, method: "GET", url: `/me/messages/${ids[0]}` });
    const over = await fail(c.api("/$batch").post({ requests: Array.from({ length: 21 }, (_, i) => req(String(i + 1))) }));
    expect(over).toMatchObject({ statusCode: 400, code: "BadRequest", message: "Number of requests inside batch exceed the limit." });
    const twenty = await c
      .api("/$batch")
      .post({ requests: Array.from({ length: 20 }, (_, i) => ({ ...req(String(i + 1)), dependsOn: i ? [String(i)] : undefined })) });
    expect(twenty.responses).toHaveLength(20);
    expect(await fail(c.api("/$batch").post({ requests: [req("a"), req("A")] }))).toMatchObject({ statusCode: 400, code: "BadRequest" });
    const noType = { id: "1", method: "PATCH", url: `/me/messages/${ids[0]}`, body: { isRead: true } };
    expect(await fail(c.api("/$batch").post({ requests: [noType] }))).toMatchObject({ statusCode: 400, code: "BadRequest" });
    const typed = await c.api("/$batch").post({ requests: [{ ...noType, headers: { "Content-Type": "application/json" } }] });
    expect(typed.responses[0]).toMatchObject({ id: "1", status: 200, body: { isRead: true } });
  });

  it("counts each request against the mailbox's limits: 429 with Retry-After inside a 200 batch; dependsOn runs them one at a time", async () => {
    const c = client();
    await sb.admin("PUT", "/admin/graph/throttling", { latencyMs: 30, retryAfterSeconds: 3 });
    // Twenty at once to one mailbox: four run, the rest are over the concurrency limit.
    const parallel = new BatchRequestContent(ids.slice(0, 20).map((id, i) => step(String(i + 1), `/me/messages/${id}/$value`)));
    const res = await c.api("/$batch").post(await parallel.getContent());
    const by = (s: number) => res.responses.filter((r: { status: number }) => r.status === s);
    expect(by(200)).toHaveLength(4);
    expect(by(429)).toHaveLength(16);
    expect(by(429)[0].headers["Retry-After"]).toBe("3");
    expect(by(429)[0].body.error).toMatchObject({
      code: "ApplicationThrottled",
      message: "Application is over its MailboxConcurrency limit.",
    });

    // The same twenty in sequence (each depends on the one before): all pass.
    const serial = new BatchRequestContent(
      ids.slice(0, 20).map((id, i) => step(String(i + 1), `/me/messages/${id}/$value`, i ? [String(i)] : undefined)),
    );
    const ok = await c.api("/$batch").post(await serial.getContent());
    expect(ok.responses.every((r: { status: number }) => r.status === 200)).toBe(true);

    // The request budget counts requests inside batches; a request after a failed one is 424.
    await sb.admin("PUT", "/admin/graph/throttling", { latencyMs: 0, requestsPerWindow: 2, windowSeconds: 60 });
    const budget = new BatchRequestContent(
      ids.slice(0, 4).map((id, i) => step(String(i + 1), `/me/messages/${id}/$value`, i ? [String(i)] : undefined)),
    );
    const over = new BatchResponseContent(await c.api("/$batch").post(await budget.getContent()));
    expect([1, 2, 3, 4].map((i) => over.getResponseById(String(i)).status)).toEqual([200, 200, 429, 424]);
    const throttled = over.getResponseById("3");
    expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await throttled.json()).error).toMatchObject({ code: "TooManyRequests", message: "Please retry again later." });
  });
});
