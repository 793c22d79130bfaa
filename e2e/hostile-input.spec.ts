// [HOSTILE] Hostile input to every JSON route (generated from the route list: every route.ts that
// exports POST/PATCH/PUT/DELETE, and every GET with query parameters) and to the public callbacks
// (OAuth redirect, Graph notifications, consent links, sign-in): malformed JSON, NUL bytes, wrong
// types, 1 MB strings, year-0 dates, repeated query keys, `Origin: null` and 10 MB chunked bodies.
// Every answer is a 4xx with a message (JSON `error.message`, or a readable page for the routes
// that answer with pages), never a 5xx, and the web process's memory stays bounded.
import http from "node:http";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, request, test, type APIRequestContext } from "@playwright/test";
import { apiAs } from "./support/api-session";
import { fixture } from "./support/fixture";
import { fill, listRoutes } from "./support/route-list";
import { caseKey, routeSamples, type TSample } from "./support/route-samples";

const f = fixture();
const samples = routeSamples(f);
const routes = listRoutes();
const MUTATIONS = ["POST", "PUT", "PATCH", "DELETE"];
const NUL = "a\u0000b";
const HUGE = "x".repeat(1024 * 1024);
// A query past Node's 16 KB header limit: answered 431 by the server. Small enough that the request
// is written whole before the server closes (1 MB raced the close into a client-side ECONNRESET).
const HUGE_QUERY = "x".repeat(32 * 1024);
const YEAR0 = "0000-01-01T00:00:00Z";
// Query parameters whose values are free text (any string is valid there).
const FREE_TEXT = new Set(["q", "code", "action", "actor", "targetType", "state"]);

// Real objects of the owner's workspace, so a body that passes validation reaches the handler and
// the database (that's where NUL bytes and year-0 dates used to become 500s).
const OWN: Record<string, string> = {
  tenantId: f.workspaceA.tenants.alpha,
  mailboxId: f.objects.alpha.mailbox,
  appId: f.objects.alpha.app,
  webhookId: f.scoped.beta.webhook,
  deliveryId: f.scoped.beta.delivery,
  keyId: randomUUID(),
  membershipId: f.scoped.memberships[f.users.tech],
  linkId: f.scoped.beta.statusLink,
  outboundId: randomUUID(),
  messageId: randomUUID(),
  token: `cl_${"A".repeat(43)}`,
  nextauth: "session",
};
const randomIds = (params: string[]) =>
  Object.fromEntries(params.map((p) => [p, p === "token" ? `cl_${"B".repeat(43)}` : p === "nextauth" ? "session" : randomUUID()]));

type TJsonRoute = { key: string; method: string; template: string; params: string[]; sample: TSample };
const jsonRoutes: TJsonRoute[] = routes.flatMap((r) =>
  r.methods
    .map((method) => ({
      key: caseKey(method, r.path),
      method,
      template: r.path,
      params: r.params,
      sample: samples[caseKey(method, r.path)],
    }))
    .filter((x) => x.sample && !x.sample.nonJson && (MUTATIONS.includes(x.method) || Object.keys(x.sample.query ?? {}).length > 0)),
);

let owner: APIRequestContext;
let keyed: APIRequestContext;
let ownerKey = "";
let cookie = "";

test.beforeAll(async () => {
  owner = await apiAs(f.users.owner);
  cookie = (await owner.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  ownerKey = (
    await (
      await owner.post("/api/api-keys", { data: { name: "hostile", scopes: ["read", "send"], hasAllTenants: true, tenantIds: [] } })
    ).json()
  ).key;
  keyed = await request.newContext({ baseURL: f.baseUrl, extraHTTPHeaders: { authorization: `Bearer ${ownerKey}` } });
});
test.afterAll(async () => {
  await owner?.dispose();
  await keyed?.dispose();
});

const ctxFor = (s: TSample) => (s.bearer ? keyed : s.public ? null : owner);

type TResult = { status: number; text: string; contentType: string };
async function hit(
  api: APIRequestContext | null,
  method: string,
  url: string,
  opts: { data?: unknown; raw?: string; headers?: Record<string, string>; follow?: boolean } = {},
): Promise<TResult> {
  const ctx = api ?? (await request.newContext({ baseURL: f.baseUrl }));
  try {
    const r = await ctx.fetch(url, {
      method,
      headers: { ...(opts.raw !== undefined || opts.data !== undefined ? { "content-type": "application/json" } : {}), ...opts.headers },
      ...(opts.raw !== undefined ? { data: Buffer.from(opts.raw) } : opts.data !== undefined ? { data: JSON.stringify(opts.data) } : {}),
      maxRedirects: opts.follow ? 10 : 0,
      timeout: 30_000,
    });
    return { status: r.status(), text: await r.text(), contentType: r.headers()["content-type"] ?? "" };
  } finally {
    if (!api) await ctx.dispose();
  }
}

/** A 4xx that says what is wrong: JSON error.message, or readable text for page routes. */
function verdict(r: TResult, opts: { json: boolean; want?: number[] }): string | null {
  if (opts.want && !opts.want.includes(r.status)) return `${r.status} (want ${opts.want.join("/")}) ${r.text.slice(0, 140)}`;
  if (r.status < 400 || r.status >= 500) return `${r.status} ${r.text.slice(0, 140)}`;
  if (opts.json) {
    try {
      const m = JSON.parse(r.text)?.error?.message;
      if (typeof m !== "string" || !m.trim()) return `${r.status} without error.message: ${r.text.slice(0, 140)}`;
    } catch {
      return `${r.status} not JSON: ${r.text.slice(0, 140)}`;
    }
  } else if (!r.text.replace(/<[^>]*>/g, " ").trim()) return `${r.status} with an empty answer`;
  return null;
}

// Deep copies of a body with every string (or one field) replaced.
function mapStrings(v: unknown, fn: (s: string) => unknown): unknown {
  if (typeof v === "string") return fn(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, fn));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapStrings(x, fn)]));
  return v;
}
const wrongType = (v: unknown): unknown =>
  typeof v === "string"
    ? 12345
    : typeof v === "number"
      ? "twelve"
      : typeof v === "boolean"
        ? "yes"
        : Array.isArray(v)
          ? "not-a-list"
          : v === null
            ? { nested: true }
            : "not-an-object";
function setPath(o: Record<string, unknown>, dotted: string, value: unknown) {
  const copy = structuredClone(o);
  const parts = dotted.split(".");
  let at = copy as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) at = at[p] as Record<string, unknown>;
  at[parts.at(-1)!] = value;
  return copy;
}

type TProblem = string;
async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>) {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (i < items.length) await fn(items[i++]);
    }),
  );
}

test("[HOSTILE] every JSON route: malformed JSON, NUL bytes, wrong types, 1 MB strings, year-0 dates, Origin: null → 4xx with a message", async () => {
  test.setTimeout(120_000);
  expect(jsonRoutes.length).toBeGreaterThan(40);
  const problems: TProblem[] = [];
  type TJob = { label: string; run: () => Promise<TResult>; want?: number[]; json?: boolean };
  const jobs: TJob[] = [];
  for (const r of jsonRoutes) {
    const api = ctxFor(r.sample);
    // DELETE and Origin checks use missing ids: a wrongly accepted request must not destroy seeded data.
    const ownUrl = fill(r.template, r.method === "DELETE" ? randomIds(r.params) : Object.fromEntries(r.params.map((p) => [p, OWN[p]])));
    const randomUrl = fill(r.template, randomIds(r.params));
    const qs = (q: Record<string, string> | undefined) => (q && Object.keys(q).length ? `?${new URLSearchParams(q)}` : "");
    const url = ownUrl + qs(r.sample.query);
    const label = (what: string) => `${r.key} ${what}`;
    if (MUTATIONS.includes(r.method)) {
      const b = r.sample.body;
      jobs.push({ label: label("malformed JSON"), run: () => hit(api, r.method, url, { raw: '{"a": [1, 2' }) });
      // Bearer-key calls carry no ambient credential: an Origin header means nothing to them.
      // Public endpoints are called by Microsoft and browsers without a session: see the public test.
      if (!r.sample.bearer && !r.sample.public)
        jobs.push({
          label: label("Origin: null"),
          run: () => hit(api, r.method, randomUrl + qs(r.sample.query), { data: b ?? {}, headers: { origin: "null" } }),
          want: [403],
        });
      if (b && Object.keys(b).length) {
        const strings = Object.entries(b).filter(([, v]) => JSON.stringify(v).includes('"'));
        for (const [k, v] of strings)
          jobs.push({
            label: label(`NUL byte in ${k}`),
            run: () => hit(api, r.method, url, { data: { ...b, [k]: mapStrings(v, (x) => `${x}\u0000`) } }),
          });
        jobs.push({
          label: label("wrong type in every field"),
          run: () => hit(api, r.method, url, { data: Object.fromEntries(Object.entries(b).map(([k, v]) => [k, wrongType(v)])) }),
        });
        const firstString = Object.entries(b).find(([, v]) => typeof v === "string");
        if (firstString)
          jobs.push({
            label: label(`1 MB string in ${firstString[0]}`),
            run: () => hit(api, r.method, url, { data: { ...b, [firstString[0]]: HUGE } }),
          });
        jobs.push({ label: label("a body that isn't an object"), run: () => hit(api, r.method, url, { data: ["not", "an", "object"] }) });
        for (const d of (r.sample.dates ?? []).filter((d) => !(r.sample.query ?? {})[d]))
          jobs.push({ label: label(`year-0 date in ${d}`), run: () => hit(api, r.method, url, { data: setPath(b, d, YEAR0) }) });
      }
    }
    const query = r.sample.query ?? {};
    if (Object.keys(query).length) {
      const base = fill(r.template, Object.fromEntries(r.params.map((p) => [p, OWN[p]])));
      const withQ = (over: Record<string, string>) => `${base}?${new URLSearchParams({ ...query, ...over })}`;
      const keys = Object.keys(query);
      // NUL bytes where any string is valid (that's what reaches the database); else in the first parameter.
      const free = keys.filter((k) => FREE_TEXT.has(k));
      for (const k of free.length ? free : keys.slice(0, 1))
        jobs.push({ label: label(`NUL byte in ?${k}`), run: () => hit(api, r.method, withQ({ [k]: `${query[k]}\u0000` })) });
      jobs.push({
        label: label(`repeated ?${keys.join(", ?")}`),
        run: () => hit(api, r.method, `${base}?${new URLSearchParams([...Object.entries(query), ...Object.entries(query)])}`),
      });
      const typed = keys.filter((k) => !FREE_TEXT.has(k));
      if (typed.length)
        jobs.push({
          label: label(`wrong type in ?${typed.join(", ?")}`),
          run: () => hit(api, r.method, withQ(Object.fromEntries(typed.map((k) => [k, "zz-not-valid"])))),
        });
      for (const d of (r.sample.dates ?? []).filter((d) => d in query))
        jobs.push({ label: label(`year-0 date in ?${d}`), run: () => hit(api, r.method, withQ({ [d]: YEAR0 })) });
      // Past Node's header limit the server itself answers 431 (no body to read).
      jobs.push({ label: label(`32 KB ?${keys[0]}`), run: () => hit(api, r.method, withQ({ [keys[0]]: HUGE_QUERY })), json: false });
    }
  }
  await pool(jobs, 10, async (j) => {
    let res: TResult;
    try {
      res = await j.run();
    } catch (err) {
      problems.push(`${j.label}: no answer (${(err as Error).message.split("\n")[0]})`);
      return;
    }
    const big = /32 KB \?/.test(j.label);
    const v = big
      ? res.status >= 400 && res.status < 500
        ? null
        : `${res.status} ${res.text.slice(0, 140)}`
      : verdict(res, { json: j.json ?? true, want: j.want });
    if (v) problems.push(`${j.label} → ${v}`);
  });
  expect(problems, `${problems.length} of ${jobs.length} hostile requests answered wrongly`).toEqual([]);
});

test("[HOSTILE] the public callbacks and consent links: hostile input ends on a 4xx page or message, never a 5xx", async () => {
  test.setTimeout(60_000);
  const problems: TProblem[] = [];
  const form = (s: string) => ({ raw: s, headers: { "content-type": "application/x-www-form-urlencoded" } });
  const cases: { label: string; run: () => Promise<TResult>; json: boolean; any2xx?: true }[] = [
    // OAuth redirect (GET query, POST form_post).
    {
      label: "GET /api/oauth/callback NUL in state",
      run: () => hit(null, "GET", `/api/oauth/callback?code=abc&state=st_${"x".repeat(20)}%00`, { follow: true }),
      json: false,
    },
    {
      label: "GET /api/oauth/callback repeated state",
      run: () => hit(null, "GET", `/api/oauth/callback?code=abc&state=st_a&state=st_b`, { follow: true }),
      json: false,
    },
    {
      label: "GET /api/oauth/callback NUL in code",
      run: () => hit(null, "GET", `/api/oauth/callback?code=a%00b&state=st_${"x".repeat(43)}`, { follow: true }),
      json: false,
    },
    {
      label: "GET /api/oauth/callback admin_consent with a year-0 tenant",
      run: () => hit(null, "GET", `/api/oauth/callback?admin_consent=True&tenant=${YEAR0}&state=st_${"x".repeat(43)}`, { follow: true }),
      json: false,
    },
    {
      label: "POST /api/oauth/callback malformed form",
      run: () => hit(null, "POST", "/api/oauth/callback", { ...form("state=%ZZ&code=%"), follow: true }),
      json: false,
    },
    {
      label: "POST /api/oauth/callback NUL bytes",
      run: () => hit(null, "POST", "/api/oauth/callback", { ...form("state=st_%00&code=a%00b"), follow: true }),
      json: false,
    },
    {
      label: "POST /api/oauth/callback Origin: null",
      run: () =>
        hit(null, "POST", "/api/oauth/callback", {
          ...form(`state=st_${"x".repeat(43)}&code=abc`),
          headers: { "content-type": "application/x-www-form-urlencoded", origin: "null" },
          follow: true,
        }),
      json: false,
    },
    {
      label: "POST /api/oauth/callback JSON instead of a form",
      run: () => hit(null, "POST", "/api/oauth/callback", { raw: '{"state": 1', follow: true }),
      json: false,
    },
    {
      label: "POST /api/oauth/retry NUL in state",
      run: () => hit(null, "POST", "/api/oauth/retry", { ...form("state=st_%00"), follow: true }),
      json: false,
    },
    // Graph change notifications.
    {
      label: "POST /api/graph/notifications malformed JSON",
      run: () => hit(null, "POST", "/api/graph/notifications", { raw: '{"value": [' }),
      json: true,
    },
    {
      label: "POST /api/graph/notifications wrong types",
      run: () => hit(null, "POST", "/api/graph/notifications", { data: { value: "not-a-list" } }),
      json: true,
    },
    {
      label: "POST /api/graph/notifications NUL bytes",
      run: () =>
        hit(null, "POST", "/api/graph/notifications", {
          data: { value: [{ subscriptionId: NUL, clientState: NUL, changeType: "created", resource: NUL }] },
        }),
      json: true,
    },
    {
      label: "POST /api/graph/notifications 1 MB strings",
      run: () => hit(null, "POST", "/api/graph/notifications", { data: { value: [{ subscriptionId: HUGE, clientState: "x" }] } }),
      json: true,
    },
    {
      label: "POST /api/graph/notifications NUL in validationToken",
      run: () => hit(null, "POST", "/api/graph/notifications?validationToken=a%00b"),
      json: false,
    },
    {
      label: "POST /api/graph/notifications repeated validationToken",
      run: () => hit(null, "POST", "/api/graph/notifications?validationToken=a&validationToken=b"),
      json: false,
    },
    {
      label: "POST /api/graph/notifications Origin: null",
      run: () => hit(null, "POST", "/api/graph/notifications", { raw: '{"value": [', headers: { origin: "null" } }),
      json: true,
    },
    // Consent links (form POST from the customer's browser).
    {
      label: "POST /api/consent/[token]/start NUL in the token",
      run: () => hit(null, "POST", `/api/consent/cl_${"A".repeat(20)}%00/start`, { follow: true }),
      json: false,
    },
    {
      label: "POST /api/consent/[token]/start Origin: null",
      run: () => hit(null, "POST", `/api/consent/cl_${"A".repeat(43)}/start`, { headers: { origin: "null" }, follow: true }),
      json: false,
    },
    {
      label: "POST /api/consent/[token]/start malformed body",
      run: () => hit(null, "POST", `/api/consent/cl_${"A".repeat(43)}/start`, { raw: '{"a": [', follow: true }),
      json: false,
    },
    {
      label: "GET /consent/[token] NUL in the token",
      run: () => hit(null, "GET", `/consent/cl_${"A".repeat(20)}%00`, { follow: true }),
      json: false,
    },
    {
      label: "GET /status/[token] NUL in the token",
      run: () => hit(null, "GET", `/status/cs_${"A".repeat(20)}%00`, { follow: true }),
      json: false,
    },
    // First-run setup (public JSON).
    {
      label: "POST /api/setup Origin: null",
      run: () => hit(null, "POST", "/api/setup", { data: samples["POST /api/setup"].body, headers: { origin: "null" } }),
      json: true,
    },
    {
      label: "POST /api/setup NUL bytes",
      run: () => hit(null, "POST", "/api/setup", { data: mapStrings(samples["POST /api/setup"].body, () => NUL) }),
      json: true,
    },
    // Sign-in (next-auth): a repeated callbackUrl, a NUL in the email. A sign-in page is a fine answer.
    {
      label: "GET /api/auth/signin repeated callbackUrl",
      run: () => hit(null, "GET", "/api/auth/signin?callbackUrl=%2Ftenants&callbackUrl=%2Fevents", { follow: true }),
      json: false,
      any2xx: true,
    },
    {
      label: "GET /login repeated callbackUrl",
      run: () => hit(null, "GET", "/login?callbackUrl=%2Ftenants&callbackUrl=%2Fevents", { follow: true }),
      json: false,
      any2xx: true,
    },
    {
      label: "POST /api/auth/callback/credentials NUL in the email",
      run: () =>
        hit(null, "POST", "/api/auth/callback/credentials", { ...form("email=a%00b%40acme.test&password=x&json=true"), follow: false }),
      json: false,
      any2xx: true,
    },
  ];
  await pool(cases, 4, async (c) => {
    let res: TResult;
    try {
      res = await c.run();
    } catch (err) {
      problems.push(`${c.label}: no answer (${(err as Error).message.split("\n")[0]})`);
      return;
    }
    if (c.any2xx) {
      if (res.status >= 500) problems.push(`${c.label} → ${res.status} ${res.text.slice(0, 140)}`);
      return;
    }
    const v = verdict(res, { json: c.json });
    if (v) problems.push(`${c.label} → ${v}`);
  });
  expect(problems).toEqual([]);
});

// ---- 10 MB chunked bodies and memory ------------------------------------------------------------

function rssKb(pid: number): number {
  // The server and anything it forked.
  const kids = (p: number): number[] => {
    try {
      const list = readFileSync(`/proc/${p}/task/${p}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
      return [p, ...list.flatMap(kids)];
    } catch {
      return [p];
    }
  };
  return kids(pid).reduce((sum, p) => {
    try {
      return sum + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      return sum;
    }
  }, 0);
}

/** Streams up to `total` bytes with Transfer-Encoding: chunked (no Content-Length), stopping as soon as the server answers. */
const TEN_MB = 10 * 1024 * 1024;
function chunked(
  method: string,
  path: string,
  headers: Record<string, string>,
  total = TEN_MB,
): Promise<{ status: number; text: string; sent: number; location?: string }> {
  const u = new URL(path, f.baseUrl);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request({
      host: u.hostname,
      port: u.port,
      path: u.pathname + u.search,
      method,
      headers: { "content-type": "application/json", "transfer-encoding": "chunked", ...headers },
    });
    req.on("response", (res) => {
      answered = true;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, text, sent, location: res.headers.location });
        req.destroy();
      });
    });
    req.on("error", (err) => (answered ? undefined : reject(err)));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    chunk.write('{"pad":"');
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

test("[HOSTILE] 10 MB chunked bodies to every mutation route and public callback: 413 (or another 4xx), and memory stays bounded", async () => {
  test.setTimeout(120_000);
  const pid = f.webPid;
  expect(pid, "scripts/test.ts writes the web server's pid into the fixture").toBeTruthy();
  const targets: { method: string; path: string; headers: Record<string, string> }[] = [];
  for (const r of jsonRoutes.filter((x) => x.method === "POST" || x.method === "PUT" || x.method === "PATCH")) {
    // Missing ids: a body that somehow got through can't change seeded data.
    const path = fill(r.template, randomIds(r.params));
    const headers: Record<string, string> = r.sample.bearer ? { authorization: `Bearer ${ownerKey}` } : r.sample.public ? {} : { cookie };
    targets.push({ method: r.method, path, headers });
  }
  for (const path of [
    "/api/oauth/callback",
    "/api/oauth/retry",
    "/api/graph/notifications",
    `/api/consent/cl_${"A".repeat(43)}/start`,
    "/api/auth/callback/credentials",
    "/api/setup",
  ]) {
    if (!targets.some((t) => t.path === path && t.method === "POST")) targets.push({ method: "POST", path, headers: {} });
  }
  const problems: string[] = [];
  const before = rssKb(pid!);
  let sentTotal = 0;
  let sentWhole = 0;
  await pool(targets, 4, async (t) => {
    try {
      const r = await chunked(t.method, t.path, t.headers);
      sentTotal += r.sent;
      if (r.sent >= TEN_MB) sentWhole++;
      // A page route may redirect to its refusal page, but only without reading the body first.
      if (r.status >= 300 && r.status < 400 && r.location && r.sent < TEN_MB) {
        const page = await hit(null, "GET", r.location, { follow: true });
        if (page.status < 400 || page.status >= 500)
          problems.push(`${t.method} ${t.path} → ${r.status} → ${page.status} (the refusal page isn't a 4xx)`);
        return;
      }
      if (r.status < 400 || r.status >= 500)
        problems.push(`${t.method} ${t.path} → ${r.status} after ${Math.round(r.sent / 1024)} KB ${r.text.slice(0, 120)}`);
    } catch (err) {
      problems.push(`${t.method} ${t.path}: no answer (${(err as Error).message})`);
    }
  });
  const after = rssKb(pid!);
  const growthMb = (after - before) / 1024;
  console.log(
    `[hostile] ${targets.length} chunked bodies, ${Math.round(sentTotal / 1048576)} MB sent (${sentWhole} sent whole before the answer); web RSS ${Math.round(before / 1024)} → ${Math.round(after / 1024)} MB`,
  );
  // Measured: when the proxy made Next clone every /api body (up to 10 MB, held twice, drained to
  // the end before the route ran), all 380 MB were sent and RSS grew ~100 MB; refused at the byte
  // counter, ~4 MB per body reach the socket (kernel buffers) and RSS grows ~16 MB. 64 MB catches
  // the buffering with room for allocator noise.
  expect.soft(growthMb, `web RSS grew ${growthMb.toFixed(0)} MB over ${targets.length} × 10 MB bodies`).toBeLessThan(64);
  expect(problems).toEqual([]);
});
