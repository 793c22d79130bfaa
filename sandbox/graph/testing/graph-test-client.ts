// A @microsoft/microsoft-graph-client Client pointed at the sandbox. Node 20's fetch can't be told
// about the sandbox CA without undici, so the terminal middleware does the HTTPS call itself.
// No RetryHandler: tests want to see 429s, not have them retried away.
import https from "node:https";
import { Client, type Context, type Middleware } from "@microsoft/microsoft-graph-client";

class SandboxHttpHandler implements Middleware {
  constructor(
    private readonly ca: string,
    private readonly token: () => string | Promise<string>,
  ) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === "string" ? context.request : context.request.url;
    const opts = context.options ?? {};
    const headers: Record<string, string> = {};
    new Headers(opts.headers as HeadersInit | undefined).forEach((v, k) => (headers[k] = v));
    headers.authorization = `Bearer ${await this.token()}`;
    const body =
      opts.body === undefined || opts.body === null
        ? undefined
        : typeof opts.body === "string"
          ? opts.body
          : Buffer.from(opts.body as ArrayBuffer);
    const res = await new Promise<{ status: number; headers: Headers; body: Buffer }>((resolve, reject) => {
      const req = https.request(url, { method: opts.method ?? "GET", headers, ca: this.ca }, (r) => {
        const chunks: Buffer[] = [];
        r.on("data", (c) => chunks.push(c));
        r.on("end", () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(", ") : v);
          resolve({ status: r.statusCode ?? 0, headers: h, body: Buffer.concat(chunks) });
        });
      });
      req.on("error", reject);
      req.end(body);
    });
    const nullBody = res.status === 204 || res.status === 202 || res.body.length === 0;
    context.response = new Response(nullBody ? null : new Uint8Array(res.body), { status: res.status, headers: res.headers });
  }
}

/** graphBase is e.g. https://localhost:4011/v1.0 */
export function sandboxGraphClient(graphBase: string, ca: string, token: () => string | Promise<string>) {
  const u = new URL(graphBase);
  return Client.initWithMiddleware({
    middleware: new SandboxHttpHandler(ca, token),
    baseUrl: `${u.protocol}//${u.host}/`,
    defaultVersion: "v1.0",
    customHosts: new Set([u.hostname]),
  });
}
