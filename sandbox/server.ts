// The Microsoft 365 sandbox: an HTTPS identity platform (Entra ID v2 endpoints, sign-in pages,
// admin API, console) plus the mail services (IMAP, POP, SMTP, Graph) on one shared state.
import https from "node:https";
import net from "node:net";
import path from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AccessTokenClaims, AdminRoute, SandboxContext, StartedService, TokenCheck } from "./contracts";
import { services } from "./services";
import { Store } from "./directory/store";
import { seedState } from "./directory/seed";
import { directoryRoutes } from "./admin/directory-routes";
import { exchangeRoutes } from "./admin/exchange-routes";
import { consoleFormBody, consolePage } from "./console/console-page";
import { loadOrCreateTls } from "./tls/tls";
import { jwksFor, loadOrCreateSigner, verifyToken } from "./identity/signing";
import { openIdConfigurationV1, openIdConfigurationV2 } from "./identity/discovery";
import { Identity } from "./identity/identity";
import { Authorize } from "./identity/authorize";
import { handleToken } from "./identity/token-endpoint";
import { adminRoutes } from "./admin/admin-routes";
import { bulkTokenRoutes } from "./admin/bulk-token-routes";

export type TPorts = { identity: number; graph: number; imap: number; pop: number; smtp: number };
export type StartSandboxOptions = {
  dataDir: string;
  hostname?: string;
  ports?: Partial<TPorts>;
  /** Ports the sandbox names in its URLs (discovery, nextLink) when clients reach it through
   *  something in front, such as the bench's latency proxy; defaults to the ports it listens on. */
  advertisedPorts?: Partial<TPorts>;
  seed?: boolean;
  quiet?: boolean;
  tls?: { caDir?: string };
};
export type RunningSandbox = {
  urls: { identity: string; graph: string; imap: string; pop: string; smtp: string; console: string };
  ports: TPorts;
  caPath: string;
  ctx: SandboxContext;
  stop(): Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function readBody(req: IncomingMessage, limit = 1024 * 1024 * 64): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on("data", (c: Buffer) => {
      n += c.length;
      if (n > limit) reject(new Error("body too large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

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

const cookieOf = (req: IncomingMessage, name: string) =>
  (req.headers.cookie ?? "")
    .split(/;\s*/)
    .find((c) => c.startsWith(`${name}=`))
    ?.slice(name.length + 1);

export async function startSandbox(opts: StartSandboxOptions): Promise<RunningSandbox> {
  const dataDir = path.resolve(opts.dataDir);
  const hostname = opts.hostname ?? "localhost";
  const ports: TPorts = { identity: 4010, graph: 4011, imap: 4993, pop: 4995, smtp: 4587, ...opts.ports };
  for (const k of Object.keys(ports) as (keyof TPorts)[]) if (!ports[k]) ports[k] = await freePort();
  const tls = loadOrCreateTls(path.join(dataDir, "tls"), opts.tls?.caDir);
  const store = new Store(path.join(dataDir, "state.json"));
  const isFresh = store.isEmpty;
  if (isFresh || opts.seed) {
    store.state = seedState();
    store.flush();
  }
  const signer = await loadOrCreateSigner(dataDir);
  const pub: TPorts = { ...ports, ...opts.advertisedPorts };
  const loginBase = `https://${hostname}:${pub.identity}`;
  const id = new Identity(store, signer, loginBase);
  const authz = new Authorize(id);
  const log = (msg: string, fields?: Record<string, unknown>) => {
    if (!opts.quiet) console.log(`[sandbox] ${msg}${fields ? ` ${JSON.stringify(fields)}` : ""}`);
  };

  const ctx: SandboxContext = {
    dataDir,
    tls: { key: tls.key, cert: tls.cert, ca: tls.ca },
    hostname,
    ports,
    advertisedPorts: pub,
    directory: store.directoryView(),
    now: () => store.now(),
    log,
    async verifyAccessToken(token: string): Promise<TokenCheck> {
      try {
        const { payload } = await verifyToken(signer, token, store.now());
        // A password reset or session revocation kills refresh tokens only: an access token stays
        // valid until exp (no continuous access evaluation here; sandbox/FIDELITY.md).
        return { ok: true, claims: payload as unknown as AccessTokenClaims };
      } catch (e) {
        const code = (e as { code?: string }).code ?? "";
        return {
          ok: false,
          reason:
            code === "ERR_JWT_EXPIRED"
              ? "expired"
              : code === "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
                ? "bad_signature"
                : code === "ERR_JWT_CLAIM_VALIDATION_FAILED"
                  ? "not_yet_valid"
                  : "malformed",
        };
      }
    },
  };

  const seedMail = async () => {
    try {
      const mod = (await import("./mail/seed")) as { seedDemoMail?: (c: SandboxContext) => Promise<unknown> | unknown };
      await mod.seedDemoMail?.(ctx);
    } catch (e) {
      log(`demo mail seed skipped: ${(e as Error).message}`);
    }
  };
  const routes: AdminRoute[] = [
    ...adminRoutes(id, seedMail),
    ...directoryRoutes(id),
    ...exchangeRoutes(id),
    ...bulkTokenRoutes(id),
    ...services.flatMap((s) => s.adminRoutes?.(ctx) ?? []),
  ];

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers });
    res.end(JSON.stringify(body));
  };
  const html = (res: ServerResponse, page: { status: number; html?: string; redirect?: string; setCookie?: string }) => {
    const h: Record<string, string> = { "cache-control": "no-store" };
    if (page.setCookie) h["set-cookie"] = page.setCookie;
    if (page.redirect) {
      res.writeHead(302, { ...h, location: page.redirect });
      return res.end();
    }
    res.writeHead(page.status, { ...h, "content-type": "text/html; charset=utf-8" });
    res.end(page.html);
  };

  const server = https.createServer({ key: tls.key, cert: tls.cert }, async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", loginBase);
      const p = url.pathname;
      const seg = p.split("/").filter(Boolean);
      const method = req.method ?? "GET";
      if (p.startsWith("/admin/")) {
        const m = matchRoute(routes, method, p);
        if (!m) return send(res, 404, { error: `No admin route ${method} ${p}` });
        const rawBody = await readBody(req);
        let body: unknown;
        try {
          body = rawBody.length && (req.headers["content-type"] ?? "").includes("json") ? JSON.parse(rawBody.toString()) : undefined;
        } catch {
          return send(res, 400, { error: "Body is not valid JSON" });
        }
        const out = await m.r.handler({ params: m.params, query: url.searchParams, body, rawBody, req });
        return send(res, out.status, out.body ?? {}, out.headers);
      }
      if (p === "/" || p === "/sandbox") {
        if (method === "POST") {
          const form = new URLSearchParams((await readBody(req)).toString());
          const action = form.get("action") ?? "";
          const [m, routePath] = action.split(" ");
          const r = matchRoute(routes, m, routePath ?? "");
          if (!r)
            return html(res, { status: 400, html: consolePage(store.state, store.now(), { ok: false, text: `Unknown action ${action}` }) });
          const out = await r.r.handler({
            params: r.params,
            query: new URLSearchParams(),
            body: consoleFormBody(form),
            rawBody: Buffer.alloc(0),
            req,
          });
          // Creation forms show their outcome (an app's secret value is shown once); switches just reload.
          if (out.status >= 400 || form.get("show") === "1")
            return html(res, {
              status: out.status >= 400 ? 400 : 200,
              html: consolePage(store.state, store.now(), { ok: out.status < 400, text: JSON.stringify(out.body, null, 2) }),
            });
          return html(res, { status: 303, redirect: "/sandbox" });
        }
        return html(res, { status: 200, html: consolePage(store.state, store.now()) });
      }
      if (p === "/_sandbox/login" && method === "POST")
        return html(res, authz.login(new URLSearchParams((await readBody(req)).toString())));
      if (p === "/_sandbox/mfa" && method === "POST")
        return html(res, authz.mfa(new URLSearchParams((await readBody(req)).toString()), cookieOf(req, "sbx_sso")));
      if (p === "/_sandbox/consent" && method === "POST")
        return html(res, authz.consent(new URLSearchParams((await readBody(req)).toString())));
      if (p === "/common/discovery/instance") {
        return send(res, 200, {
          tenant_discovery_endpoint: `${loginBase}/{tenant}/v2.0/.well-known/openid-configuration`,
          "api-version": "1.1",
          metadata: [
            {
              preferred_network: `${hostname}:${pub.identity}`,
              preferred_cache: `${hostname}:${pub.identity}`,
              aliases: [`${hostname}:${pub.identity}`],
            },
          ],
        });
      }
      const tenantSeg = seg[0] ?? "";
      const rest = `/${seg.slice(1).join("/")}`;
      const isCommon = ["common", "organizations", "consumers"].includes(tenantSeg);
      if (rest === "/v2.0/.well-known/openid-configuration" || rest === "/.well-known/openid-configuration") {
        const t = isCommon ? null : (store.tenant(tenantSeg) ?? null);
        if (!isCommon && !t) return send(res, 400, id.err(90002, { tenant: tenantSeg }).body);
        const d = { loginBase, graphHost: `${hostname}:${pub.graph}`, tenantSeg, tenant: t };
        return send(res, 200, rest.startsWith("/v2.0/") ? openIdConfigurationV2(d) : openIdConfigurationV1(d));
      }
      if (rest === "/discovery/v2.0/keys") {
        const t = isCommon ? null : store.tenant(tenantSeg);
        return send(res, 200, jwksFor(signer, `${loginBase}/${t ? t.id : "{tenantid}"}/v2.0`));
      }
      if (rest === "/discovery/keys") return send(res, 200, signer.jwks);
      if (rest === "/oauth2/v2.0/authorize" && method === "GET")
        return html(res, authz.start("user", tenantSeg, url.searchParams, cookieOf(req, "sbx_sso")));
      if ((rest === "/adminconsent" || rest === "/v2.0/adminconsent") && method === "GET")
        return html(res, authz.start("admin", tenantSeg, url.searchParams, cookieOf(req, "sbx_sso")));
      if (rest === "/oauth2/v2.0/token" && method === "POST") {
        const form = new URLSearchParams((await readBody(req)).toString());
        const out = await handleToken(id, tenantSeg, form, req.headers.authorization);
        if (out.hangMs) await new Promise((r) => setTimeout(r, out.hangMs));
        return send(res, out.status, out.body, out.headers);
      }
      send(res, 404, { error: "not_found", error_description: `The sandbox has no endpoint ${method} ${p}.` });
    } catch (err) {
      log(`request failed: ${(err as Error).message}`);
      if (!res.headersSent) send(res, 500, { error: "server_error", error_description: "The sandbox failed to handle the request." });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(ports.identity, "127.0.0.1", () => resolve());
  });

  const started: StartedService[] = [];
  for (const s of services) started.push(await s.start(ctx));
  if (isFresh || opts.seed) await seedMail();
  const svc = Object.assign({}, ...started.map((s) => s.urls)) as Record<string, string>;
  const urls = {
    identity: loginBase,
    graph: svc.graph ?? `https://${hostname}:${ports.graph}/v1.0`,
    imap: svc.imap ?? `imaps://${hostname}:${ports.imap}`,
    pop: svc.pop ?? `pops://${hostname}:${ports.pop}`,
    smtp: svc.smtp ?? `smtp://${hostname}:${ports.smtp}`,
    console: `${loginBase}/sandbox`,
  };
  return {
    urls,
    ports,
    caPath: tls.caPath,
    ctx,
    async stop() {
      for (const s of started.reverse()) await s.stop().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      store.flush();
    },
  };
}
