// The route wrappers against hostile input: every answer is a clear 4xx, never a 500. Origin: null,
// NUL bytes anywhere in a JSON body, repeated query keys, year-0 dates, unique and foreign-key
// violations raced past a handler's checks (real PostgreSQL), and a 10 MB chunked body sent to a real
// Node HTTP server, refused with 413 after reading no more than the limit.
import http from "node:http";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { z } from "zod";
import { db } from "../db/client";
import { errorResponse, MAX_BODY_BYTES, publicRoute } from "./route";
import { ZDateParam } from "../core/zod-fields";
import { readFormLimited } from "./read-body";
import { ZEventQuery } from "../events/list-events";
import { ZAuditQuery } from "../audit/list-audit";
import { firstParams } from "./search-params";
import { POST as oauthCallbackPost } from "../../app/api/oauth/callback/route";
import { POST as graphNotificationPost } from "../../app/api/graph/notifications/route";

const ZBody = z.object({
  name: z.string().max(100),
  tags: z.array(z.string()).max(10).optional(),
  nested: z.object({ note: z.string() }).optional(),
});
const echo = publicRoute(
  { body: ZBody, query: z.object({ from: ZDateParam.optional(), q: z.string().optional() }) },
  async ({ body, query }) => ({ body, query }),
);
const ctx = { params: Promise.resolve({}) };

function post(body: string, headers: Record<string, string> = {}, path = "/api/x") {
  return new NextRequest(`http://app.test${path}`, {
    method: "POST",
    body,
    headers: { host: "app.test", "content-type": "application/json", ...headers },
  });
}
async function call(req: NextRequest) {
  const res = await echo(req, ctx);
  return {
    status: res.status,
    json: (await res.json()) as { error?: { code: string; message: string; fields?: Record<string, string> } } & Record<string, unknown>,
  };
}

describe("route wrapper: malformed input is a 4xx", () => {
  it("Origin: null or an unparseable Origin is a 403 cross_origin, not a 500", async () => {
    for (const origin of ["null", "not a url", "http://", "https://evil.example"]) {
      const r = await call(post(JSON.stringify({ name: "a" }), { origin }));
      expect(r.status, origin).toBe(403);
      expect(r.json.error?.code).toBe("cross_origin");
    }
    expect((await call(post(JSON.stringify({ name: "a" }), { origin: "http://app.test" }))).status).toBe(200);
  });

  it("a NUL byte in any string of the body is a 400 naming the field", async () => {
    const cases: [unknown, string][] = [
      [{ name: "a\u0000b" }, "name"],
      [{ name: "a", tags: ["ok", "x\u0000"] }, "tags"],
      [{ name: "a", nested: { note: "\u0000" } }, "nested"],
      [{ name: "a", "k\u0000": "v" }, "k\u0000"],
    ];
    for (const [body, field] of cases) {
      const r = await call(post(JSON.stringify(body)));
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error?.fields?.[field]).toMatch(/NUL/);
    }
    // A bare string body with a NUL, before any schema sees it.
    expect((await call(post(JSON.stringify("\u0000")))).status).toBe(400);
  });

  it("lone surrogates become U+FFFD; deep nesting and broken UTF-8 are 400s", async () => {
    const r = await call(post(JSON.stringify({ name: "a\ud800b" })));
    expect(r.status).toBe(200);
    expect((r.json.body as { name: string }).name).toBe("a\ufffdb");
    expect((await call(post("[".repeat(5000) + "]".repeat(5000)))).status).toBe(400);
    const bad = new NextRequest("http://app.test/api/x", {
      method: "POST",
      body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]),
      headers: { host: "app.test", "content-type": "application/json" },
    });
    expect((await call(bad)).status).toBe(400);
  });

  it("a repeated query key is a 400 naming it, as is a NUL in the query", async () => {
    const r = await call(post(JSON.stringify({ name: "a" }), {}, "/api/x?q=1&q=2"));
    expect(r.status).toBe(400);
    expect(r.json.error?.fields).toEqual({ q: "Given more than once." });
    expect((await call(post(JSON.stringify({ name: "a" }), {}, "/api/x?q=a%00b"))).status).toBe(400);
    expect((await call(post(JSON.stringify({ name: "a" }), {}, "/api/x?q=1"))).status).toBe(200);
  });

  it("year-0 and out-of-range dates are 400s", async () => {
    for (const from of ["0000-01-01", "0000-01-01T00:00:00Z", "1969-12-31", "+275760-09-13T00:00:00Z", "2026-02-30"]) {
      const r = await call(post(JSON.stringify({ name: "a" }), {}, `/api/x?from=${encodeURIComponent(from)}`));
      expect(r.status, from).toBe(400);
      expect(r.json.error?.fields?.from).toBeTruthy();
    }
    expect((await call(post(JSON.stringify({ name: "a" }), {}, "/api/x?from=2026-11-30"))).status).toBe(200);
    // The event log and audit filters use it.
    for (const Z of [ZEventQuery, ZAuditQuery]) {
      expect(Z.safeParse({ from: "0000-01-01" }).success).toBe(false);
      expect(Z.safeParse({ to: "0000-01-01T00:00:00Z" }).success).toBe(false);
      expect(Z.safeParse({ from: "2026-11-30" }).success).toBe(true);
    }
  });

  it("unique and foreign-key violations that race past a check are 409s", async () => {
    const slug = `route-${randomUUID()}`;
    await db().workspace.create({ data: { name: "Route WS", slug } });
    const dup = await db()
      .workspace.create({ data: { name: "Route WS 2", slug } })
      .catch((e: unknown) => e);
    const r1 = errorResponse(dup);
    expect(r1.status).toBe(409);
    expect(((await r1.json()) as { error: { code: string } }).error.code).toBe("conflict");
    const user = await db().staffUser.create({ data: { email: `${slug}@example.com`, name: "R" } });
    const fk = await db()
      .membership.create({ data: { workspaceId: randomUUID(), staffUserId: user.id, role: "admin", hasAllTenants: true } })
      .catch((e: unknown) => e);
    expect(errorResponse(fk).status).toBe(409);
    const raw = await db().$executeRaw`INSERT INTO "Workspace" ("id", "name", "slug") VALUES (${randomUUID()}, 'dup', ${slug})`.catch(
      (e: unknown) => e,
    );
    expect(errorResponse(raw).status).toBe(409);
    const nul = await db().$queryRaw`SELECT ${"a\u0000b"}::text AS x`.catch((e: unknown) => e);
    expect(errorResponse(nul).status).toBe(400);
    const gone = await db()
      .workspace.update({ where: { slug: `missing-${slug}` }, data: { name: "x" } })
      .catch((e: unknown) => e);
    expect(errorResponse(gone).status).toBe(404);
    // Anything else stays a bare 500 without details.
    expect(errorResponse(new Error("boom")).status).toBe(500);
  });
});

describe("request bodies are read with a byte counter", () => {
  let server: http.Server;
  let port = 0;
  const seen = { pulled: 0 };
  const form = async (req: NextRequest) => {
    try {
      const f = await readFormLimited(req, 4096);
      return Response.json({ state: f.get("state") });
    } catch (err) {
      return errorResponse(err);
    }
  };

  beforeAll(async () => {
    // A real Node HTTP server hands the IncomingMessage to the handler as the body, exactly as
    // Next's Node adapter does (NextRequestAdapter.fromNodeNextRequest); `pulled` is what had been
    // read off the socket when the answer was sent.
    server = http.createServer(async (req, res) => {
      const nreq = new NextRequest(`http://127.0.0.1:${port}${req.url}`, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: req,
        duplex: "half",
      } as unknown as ConstructorParameters<typeof NextRequest>[1]);
      const out = req.url?.startsWith("/form") ? await form(nreq) : await echo(nreq, ctx);
      seen.pulled = req.socket.bytesRead;
      res.writeHead(out.status, { "content-type": "application/json" });
      res.end(Buffer.from(await out.arrayBuffer()));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server?.close());

  /** Streams `total` bytes chunked (no Content-Length) and stops as soon as an answer arrives (a reset instead of an answer fails). */
  function sendChunked(path: string, total: number, contentType: string): Promise<{ status: number; sent: number }> {
    return new Promise((resolve, reject) => {
      const chunk = Buffer.alloc(64 * 1024, "a");
      let sent = 0;
      let answered = false;
      const req = http.request(
        {
          host: "127.0.0.1",
          port,
          path,
          method: "POST",
          headers: { "content-type": contentType, "transfer-encoding": "chunked", host: `127.0.0.1:${port}` },
        },
        (res) => {
          answered = true;
          res.resume();
          res.on("end", () => {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, sent });
          });
        },
      );
      req.on("error", (e) => (answered ? undefined : reject(e)));
      const pump = () => {
        while (!answered && sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        if (!answered) req.end();
      };
      req.write('{"name":"');
      pump();
    });
  }

  it("a 10 MB chunked JSON body is a 413 after reading no more than the limit", { timeout: 30_000 }, async () => {
    const before = process.memoryUsage();
    const r = await sendChunked("/api/x", 10 * 1024 * 1024, "application/json");
    expect(r.status).toBe(413);
    expect(seen.pulled).toBeLessThanOrEqual(MAX_BODY_BYTES + 64 * 1024);
    // The unread rest never reaches memory, and the connection doesn't linger (Node's keep-alive timeout ends it).
    const t0 = Date.now();
    const open = () => new Promise<number>((r) => server.getConnections((_e, n) => r(n)));
    while ((await open()) > 0 && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 100));
    expect(await open()).toBe(0);
    // Nothing near 10 MB was held: the rest stayed in the socket or was never sent.
    expect(process.memoryUsage().arrayBuffers - before.arrayBuffers).toBeLessThan(4 * 1024 * 1024);
  });

  it("a 10 MB chunked form post (OAuth form_post shape) is a 413 too; a small one is read", { timeout: 30_000 }, async () => {
    const r = await sendChunked("/form", 10 * 1024 * 1024, "application/x-www-form-urlencoded");
    expect(r.status).toBe(413);
    expect(seen.pulled).toBeLessThanOrEqual(4096 + 64 * 1024);
    const ok = await fetch(`http://127.0.0.1:${port}/form`, {
      method: "POST",
      body: "state=abc&code=1",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ state: "abc" });
  });

  /** A 10 MB body as a pull stream, counting what the handler reads. */
  function bigStream(total: number) {
    const chunk = new Uint8Array(64 * 1024).fill(97);
    const counter = { pulled: 0 };
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(c) {
          if (counter.pulled >= total) return c.close();
          counter.pulled += chunk.length;
          c.enqueue(chunk);
        },
      },
      { highWaterMark: 0 },
    );
    return { stream, counter };
  }
  const streamed = (path: string, stream: ReadableStream<Uint8Array>, contentType: string) =>
    new NextRequest(`http://app.test${path}`, {
      method: "POST",
      body: stream,
      headers: { host: "app.test", "content-type": contentType },
      duplex: "half",
    } as unknown as ConstructorParameters<typeof NextRequest>[1]);

  it("the public routes that read bodies themselves stop at their limit too", { timeout: 30_000 }, async () => {
    const cb = bigStream(10 * 1024 * 1024);
    const r1 = await oauthCallbackPost(streamed("/api/oauth/callback", cb.stream, "application/x-www-form-urlencoded"));
    // Refused as a bad callback, with its explanation and a 4xx (not a redirect to a 200 page).
    expect(r1.status).toBe(400);
    expect(await r1.text()).toContain("Unreadable answer from Microsoft");
    expect(cb.counter.pulled).toBeLessThanOrEqual(64 * 1024 + 64 * 1024);
    const gn = bigStream(10 * 1024 * 1024);
    const r2 = await graphNotificationPost(streamed("/api/graph/notifications", gn.stream, "application/json"));
    expect(r2.status).toBe(413);
    expect(gn.counter.pulled).toBeLessThanOrEqual(1024 * 1024 + 64 * 1024);
  });

  it("a NUL in a Graph notification is a 400, not a database error", async () => {
    const body = JSON.stringify({ value: [{ subscriptionId: "a\u0000b", clientState: "x" }] });
    const res = await graphNotificationPost(
      new NextRequest("http://app.test/api/graph/notifications", { method: "POST", body, headers: { "content-type": "application/json" } }),
    );
    expect(res.status).toBe(400);
  });
});

describe("repeated query keys on pages and the OAuth callback", () => {
  it("pages read the first value (Next hands them an array)", () => {
    expect(firstParams({ callbackUrl: ["/a", "/b"], error: "x", none: undefined })).toEqual({
      callbackUrl: "/a",
      error: "x",
      none: undefined,
    });
  });
  it("the OAuth callback refuses a repeated parameter", async () => {
    const res = await oauthCallbackPost(
      new NextRequest("http://app.test/api/oauth/callback", {
        method: "POST",
        body: "state=a&state=b&code=c",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
    );
    expect(res.status).toBe(400);
  });
});
