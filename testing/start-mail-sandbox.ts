// Starts the mail-side services on random ports against a test context, with their admin routes
// served over HTTPS the way part 1's admin API mounts them. Used until/unless the real
// startTestSandbox() is available.
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { AdminRoute, SandboxService, StartedService } from "../sandbox/contracts";
import { services } from "../sandbox/services";
import { createTestContext, type TestContext } from "./test-context";

export type MailSandbox = {
  ctx: TestContext;
  urls: Record<string, string>;
  imapPort: number;
  popPort: number;
  smtpPort: number;
  graphBase: string; // https://localhost:port/v1.0
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
};

function matchRoute(routes: AdminRoute[], method: string, pathname: string) {
  for (const r of routes) {
    if (r.method !== method) continue;
    const want = r.path.split("/");
    const got = pathname.split("/");
    if (want.length !== got.length) continue;
    const params: Record<string, string> = {};
    if (want.every((seg, i) => (seg.startsWith(":") ? ((params[seg.slice(1)] = decodeURIComponent(got[i])), true) : seg === got[i])))
      return { r, params };
  }
  return undefined;
}

export async function startMailSandbox(list: SandboxService[] = services): Promise<MailSandbox> {
  const ctx = await createTestContext();
  const started: StartedService[] = [];
  for (const s of list) started.push(await s.start(ctx));
  const routes = list.flatMap((s) => s.adminRoutes?.(ctx) ?? []);
  const server = https.createServer({ key: ctx.tls.key, cert: ctx.tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const url = new URL(req.url ?? "/", "https://localhost");
      const m = matchRoute(routes, req.method ?? "GET", url.pathname);
      if (!m) {
        res.writeHead(404).end();
        return;
      }
      const rawBody = Buffer.concat(chunks);
      let body: unknown;
      try {
        body = rawBody.length ? JSON.parse(rawBody.toString("utf8")) : undefined;
      } catch {
        body = undefined;
      }
      const out = await m.r.handler({ params: m.params, query: url.searchParams, body, rawBody, req });
      res.writeHead(out.status, { "content-type": "application/json", ...out.headers });
      res.end(out.body === undefined ? undefined : JSON.stringify(out.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const adminPort = (server.address() as AddressInfo).port;
  const urls = Object.assign({}, ...started.map((s) => s.urls)) as Record<string, string>;
  const port = (u: string | undefined) => Number(new URL(u ?? "x://h:0").port);
  return {
    ctx,
    urls,
    imapPort: port(urls.imap),
    popPort: port(urls.pop),
    smtpPort: port(urls.smtp),
    graphBase: urls.graph ?? "",
    async admin(method, path, body) {
      const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = https.request(
          {
            host: "127.0.0.1",
            port: adminPort,
            path,
            method,
            ca: ctx.tls.ca,
            servername: "localhost",
            headers: { "content-type": "application/json" },
          },
          (r) => {
            const c: Buffer[] = [];
            r.on("data", (d) => c.push(d));
            r.on("end", () => resolve({ status: r.statusCode ?? 0, text: Buffer.concat(c).toString("utf8") }));
          },
        );
        req.on("error", reject);
        req.end(body === undefined ? undefined : JSON.stringify(body));
      });
      return { status: res.status, body: res.text ? JSON.parse(res.text) : undefined };
    },
    async stop() {
      server.close();
      for (const s of started.reverse()) await s.stop();
    },
  };
}
