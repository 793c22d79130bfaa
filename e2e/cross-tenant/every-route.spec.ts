// [CROSS-TENANT] Every route handler, page and server action, generated from the source tree
// (e2e/support/route-list.ts), against tenant-limited staff (an admin and an owner limited to
// Alpha), a limited technician, support and another workspace's owner:
// - foreign ids (Beta's or the other workspace's tenant, mailbox, app, webhook, API key, staff…)
//   answer exactly like a random missing id (same status, same body);
// - a scope never widens: bodies asking for all tenants or for Beta are refused (403), nobody
//   changes their own role, tenants or status, and hasAllTenants is required in create bodies;
// - objects wider than the caller (the multi-tenant MSP app, all-tenant webhooks, others' API keys,
//   workspace settings) can't be changed by limited staff (403), and workspace-wide reads are
//   trimmed to the caller's tenants.
// A route, page or server action without a case here fails the suite.
import { randomUUID } from "node:crypto";
import { expect, request, test, type APIRequestContext } from "@playwright/test";
import pg from "pg";
import { apiAs } from "../support/api-session";
import { fixture } from "../support/fixture";
import { fill, listPages, listRoutes, listServerActionFiles } from "../support/route-list";
import { caseKey, routeSamples } from "../support/route-samples";

const f = fixture();
const { alpha, beta } = f.workspaceA.tenants;
const { gamma } = f.workspaceB.tenants;
const s = f.scoped;
const samples = routeSamples(f);
// One random id per parameter name, so answers for missing ids can be reused across cases.
const MISSING: Record<string, string> = {};
const missingFor = (param: string) => (MISSING[param] ??= randomUUID());

// ---- Who calls, what is theirs and what is foreign to them --------------------------------------

type TParam =
  "tenantId" | "mailboxId" | "appId" | "webhookId" | "deliveryId" | "keyId" | "membershipId" | "linkId" | "outboundId" | "messageId";
type TIdSet = { name: string; ws: "A" | "B" } & Partial<Record<TParam, string>>;

const BETA: TIdSet = {
  name: "beta",
  ws: "A",
  tenantId: beta,
  mailboxId: f.objects.beta.mailbox,
  appId: f.objects.beta.app,
  keyId: s.beta.apiKey,
  membershipId: s.beta.staff,
  linkId: s.beta.statusLink,
  outboundId: s.beta.outbound,
  deliveryId: s.beta.delivery,
  webhookId: s.beta.webhook,
};
const GAMMA: TIdSet = {
  name: "gamma",
  ws: "B",
  tenantId: gamma,
  mailboxId: f.objects.gamma.mailbox,
  appId: f.objects.gamma.app,
  keyId: s.gamma.apiKey,
  membershipId: s.gamma.staff,
  linkId: s.gamma.statusLink,
  outboundId: s.gamma.outbound,
  deliveryId: s.gamma.delivery,
  webhookId: s.gamma.webhook,
};
// Workspace A's objects as seen from workspace B (all foreign to its owner).
const ACME: TIdSet = {
  name: "acme",
  ws: "A",
  tenantId: alpha,
  mailboxId: f.objects.alpha.mailbox,
  appId: s.mspApp,
  webhookId: s.allWebhook,
  keyId: s.ownerKey,
  membershipId: s.memberships[f.users.owner],
  linkId: s.beta.statusLink,
  outboundId: s.beta.outbound,
  deliveryId: s.beta.delivery,
};
const ALPHA_OWN: Partial<Record<TParam, string>> = { tenantId: alpha, mailboxId: f.objects.alpha.mailbox, appId: f.objects.alpha.app };
const GAMMA_OWN: Partial<Record<TParam, string>> = { tenantId: gamma, mailboxId: f.objects.gamma.mailbox, appId: f.objects.gamma.app };

// Support (all tenants, read-only) is covered by the other workspace's owner and the older specs.
type TCallerName = "limitedAdmin" | "limitedOwner" | "tech" | "otherOwner";
const CALLERS: Record<TCallerName, { own: Partial<Record<TParam, string>>; foreign: TIdSet[] }> = {
  limitedAdmin: { own: ALPHA_OWN, foreign: [BETA, GAMMA] },
  limitedOwner: { own: ALPHA_OWN, foreign: [BETA, GAMMA] },
  tech: { own: ALPHA_OWN, foreign: [BETA, GAMMA] },
  otherOwner: { own: GAMMA_OWN, foreign: [ACME, BETA] },
};
const LIMITED: TCallerName[] = ["limitedAdmin", "limitedOwner"];

// ---- The case table: one entry per route and method ---------------------------------------------
// "path": the ids in the path are the ones to attack (generated from the route's [params]).
// foreign: ids a caller can put in the query or body instead. none: why no foreign id applies.
type TForeign = (set: TIdSet) => { query?: Record<string, string>; body?: Record<string, unknown> } | null;
type TCase = { path?: true; foreign?: TForeign; none?: string };
const body = (key: string) => samples[key]?.body ?? {};
const withBody =
  (key: string, over: (set: TIdSet) => Record<string, unknown> | null): TForeign =>
  (set) => {
    const o = over(set);
    return o ? { body: { ...body(key), ...o } } : null;
  };
const q =
  (over: (set: TIdSet) => Record<string, string | undefined>): TForeign =>
  (set) => {
    const o = Object.fromEntries(Object.entries(over(set)).filter(([, v]) => v !== undefined)) as Record<string, string>;
    return Object.keys(o).length ? { query: o } : null;
  };
// Tenant limits in create bodies: the other workspace's tenant answers like a missing one; this
// workspace's Beta is a wider scope (asserted separately: 403).
const otherWsTenants = (key: string) =>
  withBody(key, (set) => (set.ws === "B" || set.name === "acme" ? { hasAllTenants: false, tenantIds: [set.tenantId!] } : null));

const PATH: TCase = { path: true };
const CASES: Record<string, TCase> = {
  "GET /api/api-keys": { none: "a list: trimming is asserted in the workspace-wide reads" },
  "POST /api/api-keys": { foreign: otherWsTenants("POST /api/api-keys") },
  "DELETE /api/api-keys/[keyId]": PATH,
  "GET /api/apps": { foreign: q((set) => ({ tenantId: set.tenantId })) },
  "POST /api/apps": { foreign: withBody("POST /api/apps", (set) => ({ tenantId: set.tenantId, clientId: randomUUID() })) },
  "GET /api/apps/[appId]": PATH,
  "PATCH /api/apps/[appId]": PATH,
  "DELETE /api/apps/[appId]": PATH,
  "POST /api/apps/[appId]/secrets": PATH,
  "POST /api/apps/[appId]/verify": PATH,
  "GET /api/audit": { foreign: q((set) => ({ tenantId: set.tenantId })) },
  "GET /api/auth/[...nextauth]": { none: "next-auth's own endpoints (sign-in, session, csrf): no object ids" },
  "POST /api/auth/[...nextauth]": { none: "next-auth's own endpoints (sign-in, session, csrf): no object ids" },
  "POST /api/consent/[token]/start": {
    none: "public; the token is a capability, not an id (tampered tokens: e2e/cross-tenant/consent.spec.ts)",
  },
  "GET /api/events": { foreign: q((set) => ({ tenantId: set.tenantId, mailboxId: set.mailboxId })) },
  "GET /api/events/trend": { foreign: q((set) => ({ tenantId: set.tenantId, mailboxId: set.mailboxId })) },
  "POST /api/graph/notifications": { none: "public, Graph's webhook: matched by clientState, no ids" },
  "GET /api/health": { none: "public liveness, no ids" },
  "GET /api/mailboxes": { foreign: q((set) => ({ tenantId: set.tenantId })) },
  "GET /api/mailboxes/trend": { foreign: q((set) => ({ tenantId: set.tenantId })) },
  "GET /api/me": { none: "the caller's own session" },
  "GET /api/oauth/callback": { none: "public; state is a capability (refusals: e2e/cross-tenant/consent.spec.ts)" },
  "POST /api/oauth/callback": { none: "public; state is a capability" },
  "POST /api/oauth/retry": { none: "public; state is a capability" },
  "GET /api/overview": { none: "counts over the caller's tenants: no ids" },
  "GET /api/settings/alerts": { none: "workspace-wide: trimming asserted in the workspace-wide reads" },
  "PUT /api/settings/alerts": { none: "workspace-wide: 403 for limited staff asserted below" },
  "GET /api/settings/notifier": { none: "workspace-wide: trimming asserted in the workspace-wide reads" },
  "PUT /api/settings/notifier": { foreign: (set) => ({ body: { mailboxId: set.mailboxId } }) },
  "POST /api/settings/notifier/test": { none: "sends through the workspace's notifier: 403 for limited staff asserted below" },
  "GET /api/settings/retention": { none: "workspace-wide setting, no ids" },
  "PUT /api/settings/retention": { none: "workspace-wide: 403 for limited staff asserted below" },
  "GET /api/setup": { none: "public, first-run only" },
  "POST /api/setup": { none: "public, first-run only (refused once a workspace exists)" },
  "GET /api/staff": { none: "a list: trimming asserted in the workspace-wide reads" },
  "POST /api/staff": { foreign: otherWsTenants("POST /api/staff") },
  "PATCH /api/staff/[membershipId]": PATH,
  "DELETE /api/staff/[membershipId]": PATH,
  "GET /api/support-bundle": { foreign: q((set) => ({ tenantId: set.tenantId, mailboxId: set.mailboxId })) },
  "GET /api/tenants": { none: "a list of the caller's tenants: no ids" },
  "POST /api/tenants": { none: "creates a tenant: no ids" },
  "GET /api/tenants/[tenantId]": PATH,
  "PATCH /api/tenants/[tenantId]": PATH,
  "DELETE /api/tenants/[tenantId]": PATH,
  "POST /api/tenants/[tenantId]/admin-consent": {
    path: true,
    foreign: withBody("POST /api/tenants/[tenantId]/admin-consent", (set) => ({ appRegistrationId: set.appId })),
  },
  "POST /api/tenants/[tenantId]/admin-consent-links": {
    path: true,
    foreign: withBody("POST /api/tenants/[tenantId]/admin-consent-links", (set) => ({ appRegistrationId: set.appId })),
  },
  "GET /api/tenants/[tenantId]/mailboxes": PATH,
  "POST /api/tenants/[tenantId]/mailboxes": {
    path: true,
    foreign: withBody("POST /api/tenants/[tenantId]/mailboxes", (set) => ({ appRegistrationId: set.appId })),
  },
  "GET /api/tenants/[tenantId]/mailboxes/[mailboxId]": PATH,
  "PATCH /api/tenants/[tenantId]/mailboxes/[mailboxId]": PATH,
  "DELETE /api/tenants/[tenantId]/mailboxes/[mailboxId]": PATH,
  "GET /api/tenants/[tenantId]/mailboxes/[mailboxId]/app-only": PATH,
  "POST /api/tenants/[tenantId]/mailboxes/[mailboxId]/app-only": PATH,
  "POST /api/tenants/[tenantId]/mailboxes/[mailboxId]/connect": PATH,
  "POST /api/tenants/[tenantId]/mailboxes/[mailboxId]/consent-links": PATH,
  "GET /api/tenants/[tenantId]/mailboxes/[mailboxId]/messages": PATH,
  "GET /api/tenants/[tenantId]/mailboxes/[mailboxId]/outbound": PATH,
  "POST /api/tenants/[tenantId]/mailboxes/[mailboxId]/outbound": PATH,
  "PATCH /api/tenants/[tenantId]/mailboxes/[mailboxId]/outbound": PATH,
  "PATCH /api/tenants/[tenantId]/mailboxes/[mailboxId]/outbound/[outboundId]": PATH,
  "POST /api/tenants/[tenantId]/mailboxes/[mailboxId]/pause": PATH,
  "DELETE /api/tenants/[tenantId]/mailboxes/[mailboxId]/pause": PATH,
  "POST /api/tenants/[tenantId]/mailboxes/[mailboxId]/refresh": PATH,
  "POST /api/tenants/[tenantId]/mailboxes/[mailboxId]/sync": PATH,
  "POST /api/tenants/[tenantId]/mailboxes/[mailboxId]/test": PATH,
  "POST /api/tenants/[tenantId]/mailboxes/[mailboxId]/test-email": PATH,
  "GET /api/tenants/[tenantId]/mailboxes/[mailboxId]/trace": PATH,
  "PUT /api/tenants/[tenantId]/mailboxes/[mailboxId]/trace": PATH,
  "GET /api/tenants/[tenantId]/mailboxes/[mailboxId]/setup": PATH,
  "PUT /api/tenants/[tenantId]/mailboxes/[mailboxId]/setup": PATH,
  "POST /api/tenants/[tenantId]/mailboxes/[mailboxId]/setup/checks": PATH,
  "GET /api/tenants/[tenantId]/status-links": PATH,
  "POST /api/tenants/[tenantId]/status-links": PATH,
  "DELETE /api/tenants/[tenantId]/status-links/[linkId]": PATH,
  // linkId here is Beta's status link (a foreign id of another kind); a real Beta consent link is
  // tried in "another tenant's consent link answers like a missing one" below.
  "DELETE /api/tenants/[tenantId]/consent-links/[linkId]": PATH,
  "POST /api/tenants/[tenantId]/consent-links/[linkId]": PATH,
  "GET /api/tenants/[tenantId]/consent-links": { path: true, foreign: q((set) => ({ mailboxId: set.mailboxId })) },
  "POST /api/onboarding/import": {
    // A tenant outside the caller's scope is reported like a missing one (a row problem, never a
    // create): e2e/cross-tenant/day2.spec.ts, "bulk import stays inside the caller's tenants".
    none: "ids don't appear: rows name tenants by name, domain or directory ID",
  },
  "POST /api/onboarding/consent-links": {
    foreign: withBody("POST /api/onboarding/consent-links", (set) => ({ tenantIds: [set.tenantId] })),
  },
  "GET /api/v1/mailboxes": { foreign: q((set) => ({ tenantId: set.tenantId })) },
  "GET /api/v1/mailboxes/[mailboxId]": PATH,
  "GET /api/v1/mailboxes/[mailboxId]/messages": PATH,
  "POST /api/v1/mailboxes/[mailboxId]/send": PATH,
  "GET /api/v1/messages/[messageId]": {
    path: true,
    none: "no seeded message: only a missing id is tried (foreign mailboxes' mail: /api/v1/mailboxes/[mailboxId]/messages)",
  },
  "GET /api/v1/messages/[messageId]/raw": { path: true, none: "no seeded message: only a missing id is tried" },
  "GET /api/v1/openapi.json": { none: "public document" },
  "GET /api/v1/outbound/[outboundId]": PATH,
  "GET /api/v1/status": { none: "a summary over the key's tenants: no ids" },
  "GET /api/webhooks": { none: "a list: trimming asserted in the workspace-wide reads" },
  "POST /api/webhooks": { foreign: otherWsTenants("POST /api/webhooks") },
  "GET /api/webhooks/[webhookId]": PATH,
  "PATCH /api/webhooks/[webhookId]": PATH,
  "DELETE /api/webhooks/[webhookId]": PATH,
  "POST /api/webhooks/[webhookId]/deliveries/[deliveryId]": PATH,
  "POST /api/webhooks/[webhookId]/test": PATH,
  "POST /api/webhooks/[webhookId]/rotate-secret": PATH,
};

// Pages: "path" pages are attacked through their [params]; "token" pages get unknown tokens;
// "list" pages are read for names outside the caller's scope.
type TPageCase = { kind: "path" } | { kind: "token"; refusal: string } | { kind: "list" } | { kind: "public" };
const PAGE_CASES: Record<string, TPageCase> = {
  "/": { kind: "list" },
  "/consent/[token]": { kind: "token", refusal: "This link isn't valid" },
  "/diagnostics": { kind: "list" },
  "/events": { kind: "list" },
  "/health": { kind: "list" },
  "/login": { kind: "public" },
  "/oauth/result": { kind: "public" },
  "/settings": { kind: "list" },
  "/settings/api-keys": { kind: "list" },
  "/settings/audit": { kind: "list" },
  "/settings/data": { kind: "list" },
  "/settings/notifications": { kind: "list" },
  "/settings/staff": { kind: "list" },
  "/settings/webhooks": { kind: "list" },
  "/setup": { kind: "public" },
  "/status/[token]": { kind: "token", refusal: "This link isn't valid" },
  "/tenants": { kind: "list" },
  "/tenants/[tenantId]": { kind: "path" },
  "/tenants/[tenantId]/apps/[appId]": { kind: "path" },
  "/tenants/[tenantId]/apps/new": { kind: "path" },
  "/tenants/[tenantId]/mailboxes/[mailboxId]": { kind: "path" },
  "/tenants/[tenantId]/mailboxes/new": { kind: "path" },
  "/tenants/[tenantId]/mailboxes/new/shared": { kind: "path" },
  "/tenants/[tenantId]/mailboxes/[mailboxId]/setup": { kind: "path" },
  "/tenants/import": { kind: "list" },
  "/tenants/new": { kind: "list" },
};
// No server actions today; one that appears needs a case here (and in the foreign-id test).
const SERVER_ACTION_CASES: Record<string, string> = {};

// Names that must never show to a caller limited to Alpha (Beta's, the other workspace's, and
// objects wider than Alpha).
const OUT_OF_ALPHA = [
  "Beta LLC",
  "beta.example.com",
  "Gamma GmbH",
  "gamma.example.com",
  "hooks.example.com/beta-only",
  "beta-tech@acme.test",
  "Beta-only key",
  "Other MSP",
];
const OUT_OF_B = ["Alpha Corp", "Beta LLC", "alpha.example.com", "beta.example.com", "Acme shared MSP app"];

// ---- Helpers ------------------------------------------------------------------------------------

// The promise is cached, not the context: the pools ask for a session from several workers at
// once, and each extra sign-in of the same account is an attempt the sign-in throttle counts
// (recorded as a failure until it succeeds), so a burst of them was refused with a 401.
const sessions = new Map<string, Promise<APIRequestContext>>();
function as(name: TCallerName | "owner"): Promise<APIRequestContext> {
  if (!sessions.has(name)) sessions.set(name, apiAs(f.users[name]));
  return sessions.get(name)!;
}
let keyAlpha = "";
let keyOther = "";
const bearers = new Map<string, Promise<APIRequestContext>>();
function bearer(key: string) {
  if (!bearers.has(key)) bearers.set(key, request.newContext({ baseURL: f.baseUrl, extraHTTPHeaders: { authorization: `Bearer ${key}` } }));
  return bearers.get(key)!;
}

async function sql(text: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: f.databaseUrl });
  await c.connect();
  try {
    return await c.query(text, params);
  } finally {
    await c.end();
  }
}

async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>) {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (i < items.length) await fn(items[i++]);
    }),
  );
}

type TAnswer = { status: number; body: string };
async function send(api: APIRequestContext, method: string, url: string, data?: unknown): Promise<TAnswer> {
  const r = await api.fetch(url, { method, ...(data !== undefined && method !== "GET" ? { data } : {}), maxRedirects: 0 });
  return { status: r.status(), body: await r.text() };
}
const qs = (query?: Record<string, string>) => (query && Object.keys(query).length ? `?${new URLSearchParams(query)}` : "");

const routes = listRoutes();
const routeKeys = routes.flatMap((r) => r.methods.map((m) => caseKey(m, r.path)));

// Resets the staff that the scope tests try to widen, whatever the server did.
async function restoreLimits() {
  await sql(
    `UPDATE "Membership" m SET "role" = v.role::"Role", "hasAllTenants" = false, "tenantIds" = ARRAY[$1]::text[] FROM (VALUES ($2, 'admin'), ($3, 'owner'), ($4, 'technician')) AS v(id, role) WHERE m."id" = v.id`,
    [alpha, s.memberships[f.users.limitedAdmin], s.memberships[f.users.limitedOwner], s.memberships[f.users.tech]],
  );
  await sql(`UPDATE "StaffUser" SET "isDisabled" = false WHERE "email" = ANY($1)`, [
    [f.users.limitedAdmin, f.users.limitedOwner, f.users.tech],
  ]);
}

test.beforeAll(async () => {
  const owner = await as("owner");
  const made = await owner.post("/api/api-keys", {
    data: { name: "every-route alpha", scopes: ["read", "send"], hasAllTenants: false, tenantIds: [alpha] },
  });
  keyAlpha = (await made.json()).key;
  const other = await as("otherOwner");
  keyOther = (
    await (
      await other.post("/api/api-keys", {
        data: { name: "every-route other", scopes: ["read", "send"], hasAllTenants: true, tenantIds: [] },
      })
    ).json()
  ).key;
});

test.afterAll(async () => {
  await restoreLimits();
  for (const c of [...sessions.values(), ...bearers.values()]) await (await c.catch(() => null))?.dispose();
});

// ---- The suite ----------------------------------------------------------------------------------

test("[CROSS-TENANT] every route, page and server action has a case (a new one without a case fails)", () => {
  expect(routes.length).toBeGreaterThan(40);
  const withoutCase = routeKeys.filter((k) => !CASES[k]);
  expect(withoutCase, "new route without a case: add it to CASES in e2e/cross-tenant/every-route.spec.ts").toEqual([]);
  expect(
    routeKeys.filter((k) => !samples[k]),
    "new route without a sample request in e2e/support/route-samples.ts",
  ).toEqual([]);
  expect(
    Object.keys(CASES).filter((k) => !routeKeys.includes(k)),
    "stale cases (route or method gone)",
  ).toEqual([]);
  for (const [k, c] of Object.entries(CASES)) {
    const r = routes.find((x) => k.endsWith(` ${x.path}`))!;
    expect(c.path || c.foreign || c.none, `${k} needs ids to attack or a reason`).toBeTruthy();
    if (r && r.params.length && !c.path && !c.none) throw new Error(`${k} has path ids but no path case`);
  }
  const pages = listPages().map((p) => p.path);
  expect(
    pages.filter((p) => !PAGE_CASES[p]),
    "new page without a case",
  ).toEqual([]);
  expect(
    Object.keys(PAGE_CASES).filter((p) => !pages.includes(p)),
    "stale page cases",
  ).toEqual([]);
  expect(
    listServerActionFiles().filter((file) => !SERVER_ACTION_CASES[file]),
    "new server action without a case",
  ).toEqual([]);
});

test("[CROSS-TENANT] every route: a foreign id answers exactly like a missing one", async () => {
  test.setTimeout(120_000);
  // strict: an id in the path, so the answer must be a refusal (4xx), not only the same as for a missing id.
  type TTask = {
    who: string;
    api: () => Promise<APIRequestContext>;
    method: string;
    key: string;
    foreignUrl: string;
    missingUrl: string;
    foreignBody?: unknown;
    missingBody?: unknown;
    strict?: true;
  };
  const tasks: TTask[] = [];
  for (const r of routes) {
    for (const method of r.methods) {
      const key = caseKey(method, r.path);
      const c = CASES[key];
      const sample = samples[key];
      if (!c || !sample || sample.public) continue;
      const callers: {
        who: string;
        api: () => Promise<APIRequestContext>;
        own: Partial<Record<TParam, string>>;
        foreign: TIdSet[];
        mixes?: true;
      }[] = sample.bearer
        ? [
            { who: "key(alpha)", api: () => bearer(keyAlpha), own: ALPHA_OWN, foreign: [BETA, GAMMA], mixes: true },
            { who: "key(other)", api: () => bearer(keyOther), own: GAMMA_OWN, foreign: [ACME, BETA] },
          ]
        : (Object.keys(CALLERS) as TCallerName[]).map((who) => ({
            who,
            api: () => as(who),
            ...CALLERS[who],
            ...(LIMITED.includes(who) ? { mixes: true as const } : {}),
          }));
      for (const caller of callers) {
        const baseQuery = sample.query;
        if (c.path && r.params.length) {
          const params = r.params as TParam[];
          const combos: Record<string, string>[][] = [];
          for (const set of caller.foreign) {
            // All ids foreign (a coherent foreign object), then one foreign id under the caller's own.
            const allForeign = params.every((p) => set[p]);
            if (allForeign)
              combos.push([Object.fromEntries(params.map((p) => [p, set[p]!])), Object.fromEntries(params.map((p) => [p, missingFor(p)]))]);
            // Mixed ids (one of Beta's under Alpha's) for the tenant-limited callers the rules are about.
            if (params.length > 1 && caller.mixes && set.name === "beta") {
              for (const p of params) {
                const others = params.filter((x) => x !== p);
                if (!set[p] || !others.every((x) => caller.own[x])) continue;
                const base = Object.fromEntries(others.map((x) => [x, caller.own[x]!]));
                combos.push([
                  { ...base, [p]: set[p]! },
                  { ...base, [p]: missingFor(p) },
                ]);
              }
            }
          }
          if (!combos.length)
            combos.push([
              Object.fromEntries(params.map((p) => [p, randomUUID()])),
              Object.fromEntries(params.map((p) => [p, missingFor(p)])),
            ]);
          for (const [fv, mv] of combos) {
            tasks.push({
              who: caller.who,
              api: caller.api,
              method,
              key,
              foreignUrl: fill(r.path, fv) + qs(baseQuery),
              missingUrl: fill(r.path, mv) + qs(baseQuery),
              foreignBody: sample.body,
              missingBody: sample.body,
              strict: true,
            });
          }
        }
        if (c.foreign && !r.params.length) {
          for (const set of caller.foreign) {
            const fo = c.foreign(set);
            if (!fo) continue;
            // The same shape with every id of the set replaced by a fresh random one.
            const ids = Object.entries(set)
              .filter(([k]) => k !== "name" && k !== "ws")
              .map(([, v]) => v as string);
            const swap = (v: unknown): unknown =>
              JSON.parse(JSON.stringify(v ?? null), (_k, x) => (typeof x === "string" && ids.includes(x) ? missingFor(x) : x));
            const mo = swap(fo) as typeof fo;
            tasks.push({
              who: caller.who,
              api: caller.api,
              method,
              key,
              foreignUrl: r.path + qs({ ...baseQuery, ...fo.query }),
              missingUrl: r.path + qs({ ...baseQuery, ...mo.query }),
              foreignBody: fo.body ?? sample.body,
              missingBody: mo.body ?? sample.body,
            });
          }
        }
        if (c.foreign && r.params.length) {
          // Body ids under the caller's own path.
          if (!(r.params as TParam[]).every((p) => caller.own[p])) continue;
          const url = fill(r.path, caller.own as Record<string, string>);
          for (const set of caller.foreign) {
            const fo = c.foreign(set);
            if (!fo) continue;
            const ids = Object.entries(set)
              .filter(([k]) => k !== "name" && k !== "ws")
              .map(([, v]) => v as string);
            const mo = JSON.parse(JSON.stringify(fo), (_k, x) => (typeof x === "string" && ids.includes(x) ? missingFor(x) : x));
            tasks.push({
              who: caller.who,
              api: caller.api,
              method,
              key,
              foreignUrl: url + qs({ ...baseQuery, ...fo.query }),
              missingUrl: url + qs({ ...baseQuery, ...mo.query }),
              foreignBody: fo.body,
              missingBody: mo.body,
            });
          }
        }
      }
    }
  }
  expect(tasks.length).toBeGreaterThan(200);
  const problems: string[] = [];
  // Answers for missing ids, shared by the cases that ask the same thing.
  const missingAnswers = new Map<string, Promise<TAnswer>>();
  const runAll = async (list: TTask[]) =>
    pool(list, 10, async (t) => {
      const api = await t.api();
      // The missing id first: if the foreign call wrongly succeeded, it can't change the answer.
      const mk = `${t.who} ${t.method} ${t.missingUrl} ${JSON.stringify(t.missingBody ?? null)}`;
      if (!missingAnswers.has(mk)) missingAnswers.set(mk, send(api, t.method, t.missingUrl, t.missingBody));
      const m = await missingAnswers.get(mk)!;
      const fo = await send(api, t.method, t.foreignUrl, t.foreignBody);
      const norm = (a: TAnswer) => a.body.replace(/request [0-9a-f-]{36}/g, "request <id>");
      if (fo.status !== m.status || norm(fo) !== norm(m) || fo.status >= 500 || (t.strict && fo.status < 400)) {
        problems.push(
          `${t.who} ${t.method} ${t.foreignUrl} → ${fo.status} ${fo.body.slice(0, 160)} | missing: ${m.status} ${m.body.slice(0, 120)}`,
        );
      }
    });
  // Deletions last, so a wrongly allowed one can't hide the other findings.
  await runAll(tasks.filter((t) => t.method !== "DELETE"));
  await runAll(tasks.filter((t) => t.method === "DELETE"));
  expect(problems, `foreign ids that don't answer like missing ones (${tasks.length} pairs)`).toEqual([]);
});

test("[CROSS-TENANT] another tenant's consent link answers like a missing one (revoke)", async () => {
  // The route list's case attacks linkId with Beta's status link; this one is a real Beta consent link.
  const id = randomUUID();
  await sql(
    `INSERT INTO "ConsentRequest" ("id", "workspaceId", "tenantId", "mailboxId", "appRegistrationId", "kind", "linkTokenHash", "expiresAt") VALUES ($1, $2, $3, $4, $5, 'user', $6, now() + interval '7 days')`,
    [id, f.workspaceA.id, beta, f.objects.beta.mailbox, f.objects.beta.app, randomUUID()],
  );
  const problems: string[] = [];
  try {
    for (const who of [...LIMITED, "tech", "otherOwner"] as TCallerName[]) {
      const api = await as(who);
      for (const tenantId of [beta, alpha, gamma]) {
        const m = await send(api, "DELETE", `/api/tenants/${tenantId}/consent-links/${missingFor("linkId")}`);
        const fo = await send(api, "DELETE", `/api/tenants/${tenantId}/consent-links/${id}`);
        const norm = (a: TAnswer) => a.body.replace(/request [0-9a-f-]{36}/g, "request <id>");
        if (fo.status !== m.status || norm(fo) !== norm(m) || fo.status < 400)
          problems.push(
            `${who} DELETE …/${tenantId}/consent-links/<beta link> → ${fo.status} ${fo.body.slice(0, 120)} | missing: ${m.status} ${m.body.slice(0, 120)}`,
          );
      }
    }
    const left = await sql(`SELECT "status" FROM "ConsentRequest" WHERE "id" = $1`, [id]);
    expect(left.rows[0]?.status, "the Beta link is still pending").toBe("pending");
  } finally {
    await sql(`DELETE FROM "ConsentRequest" WHERE "id" = $1`, [id]);
  }
  expect(problems).toEqual([]);
});

test("[CROSS-TENANT] a scope never widens: wider bodies are 403, hasAllTenants is required, in-scope still works", async () => {
  const problems: string[] = [];
  const check = async (who: TCallerName | "owner", method: string, url: string, data: unknown, want: number[]) => {
    const r = await send(await as(who), method, url, data);
    if (!want.includes(r.status))
      problems.push(
        `${who} ${method} ${url} ${JSON.stringify(data).slice(0, 120)} → ${r.status} ${r.body.slice(0, 160)} (want ${want.join("/")})`,
      );
    return r;
  };
  const fresh = () => `scope-${randomUUID().slice(0, 8)}@acme.test`;
  const staff = (over: Record<string, unknown>) => ({
    email: fresh(),
    name: "Scope test",
    role: "technician",
    password: "long-enough-password",
    ...over,
  });
  const key = (over: Record<string, unknown>) => ({ name: `scope ${randomUUID().slice(0, 6)}`, scopes: ["read"], ...over });
  const hook = (over: Record<string, unknown>) => ({
    url: `https://hooks.example.com/scope-${randomUUID().slice(0, 6)}`,
    events: ["message.received"],
    ...over,
  });
  const wider = [
    { hasAllTenants: true, tenantIds: [] },
    { hasAllTenants: false, tenantIds: [alpha, beta] },
    { hasAllTenants: false, tenantIds: [beta] },
  ];
  try {
    for (const who of LIMITED) {
      for (const w of wider) {
        await check(who, "POST", "/api/staff", staff(w), [403]);
        await check(who, "POST", "/api/api-keys", key(w), [403]);
        await check(who, "POST", "/api/webhooks", hook(w), [403]);
        // Widening someone else inside the caller's tenants is still widening.
        await check(who, "PATCH", `/api/staff/${s.memberships[f.users.tech]}`, w, [403]);
        await restoreLimits();
      }
      // A multi-tenant app serves every tenant; a Beta app is outside the caller.
      await check(
        who,
        "POST",
        "/api/apps",
        { ...body("POST /api/apps"), tenantId: null, kind: "multi_tenant", clientId: randomUUID() },
        [403],
      );
      await check(who, "POST", "/api/apps", { ...body("POST /api/apps"), tenantId: beta, clientId: randomUUID() }, [403, 404]);
      // Create bodies must say which tenants (no silent all-tenants default).
      await check(who, "POST", "/api/staff", staff({ tenantIds: [alpha] }), [400]);
      await check(who, "POST", "/api/api-keys", key({ tenantIds: [alpha] }), [400]);
      await check(who, "POST", "/api/webhooks", hook({ tenantIds: [alpha] }), [400]);
      // Inside the caller's tenants it still works.
      const st = await check(who, "POST", "/api/staff", staff({ hasAllTenants: false, tenantIds: [alpha] }), [201, 200]);
      const k = await check(who, "POST", "/api/api-keys", key({ hasAllTenants: false, tenantIds: [alpha] }), [201, 200]);
      const h = await check(who, "POST", "/api/webhooks", hook({ hasAllTenants: false, tenantIds: [alpha] }), [201, 200]);
      const owner = await as("owner");
      if (st.status < 300) await owner.delete(`/api/staff/${JSON.parse(st.body).membershipId}`);
      if (k.status < 300) await owner.delete(`/api/api-keys/${JSON.parse(k.body).apiKey.id}`);
      if (h.status < 300) await owner.delete(`/api/webhooks/${JSON.parse(h.body).webhook.id}`);
    }
    for (const who of ["owner"] as const) {
      await check(who, "POST", "/api/staff", staff({}), [400]);
      await check(who, "POST", "/api/api-keys", key({}), [400]);
      await check(who, "POST", "/api/webhooks", hook({}), [400]);
    }
  } finally {
    await restoreLimits();
  }
  expect(problems).toEqual([]);
});

test("[CROSS-TENANT] nobody changes their own role, tenants or status", async () => {
  const problems: string[] = [];
  try {
    for (const who of [...LIMITED, "tech", "owner"] as const) {
      const me = s.memberships[f.users[who]];
      // (For the all-tenant owner, hasAllTenants: true is no change at all.)
      const changes = [
        ...(who === "owner" ? [] : [{ hasAllTenants: true }]),
        { hasAllTenants: false, tenantIds: [alpha, beta] },
        { tenantIds: [beta] },
        { role: who === "owner" ? "admin" : "owner" },
        { isDisabled: true },
      ];
      for (const change of changes) {
        const r = await send(await as(who), "PATCH", `/api/staff/${me}`, change);
        if (r.status !== 403) problems.push(`${who} PATCH own membership ${JSON.stringify(change)} → ${r.status} ${r.body.slice(0, 160)}`);
        await restoreLimits();
        await sql(`UPDATE "Membership" SET "role" = 'owner', "hasAllTenants" = true, "tenantIds" = '{}' WHERE "id" = $1`, [
          s.memberships[f.users.owner],
        ]);
      }
    }
  } finally {
    await restoreLimits();
  }
  expect(problems).toEqual([]);
});

test("[CROSS-TENANT] objects wider than the caller: limited staff can't change them (403)", async () => {
  const problems: string[] = [];
  const before = await sql(
    `SELECT "alertRecipients", "alertKinds", "messageRetentionDays", "notifierMailboxId" FROM "Workspace" WHERE "id" = $1`,
    [f.workspaceA.id],
  );
  const writes: [string, string, unknown][] = [
    ["PATCH", `/api/apps/${s.mspApp}`, { displayName: "Hijacked shared app" }],
    ["PATCH", `/api/apps/${s.mspApp}`, { tokenEndpointOverride: "https://login.microsoftonline.com/common/oauth2/v2.0/token" }],
    ["POST", `/api/apps/${s.mspApp}/secrets`, body("POST /api/apps/[appId]/secrets")],
    ["DELETE", `/api/apps/${s.mspApp}`, undefined],
    ["PATCH", `/api/webhooks/${s.allWebhook}`, { url: "https://evil.example.com/all" }],
    ["POST", `/api/webhooks/${s.allWebhook}/rotate-secret`, { graceHours: 0 }],
    ["DELETE", `/api/webhooks/${s.allWebhook}`, undefined],
    ["DELETE", `/api/api-keys/${s.ownerKey}`, undefined],
    ["PUT", "/api/settings/alerts", { recipients: ["attacker@example.com"], kinds: ["mailbox", "secret"] }],
    ["PUT", "/api/settings/retention", { messageRetentionDays: 7 }],
    ["PUT", "/api/settings/notifier", { mailboxId: null }],
    ["POST", "/api/settings/notifier/test", { to: "attacker@example.com" }],
    // A member outside the caller's tenants: an all-tenant admin.
    ["PATCH", `/api/staff/${s.wideStaff}`, { role: "technician" }],
    ["PATCH", `/api/staff/${s.wideStaff}`, { isDisabled: true }],
    ["DELETE", `/api/staff/${s.wideStaff}`, undefined],
  ];
  try {
    // Deletions last, so one wrongly allowed doesn't hide the other callers' answers.
    const ordered = [false, true].flatMap((del) =>
      LIMITED.flatMap((who) => writes.filter((w) => (w[0] === "DELETE") === del).map((w) => [who, ...w] as const)),
    );
    for (const [who, method, url, data] of ordered) {
      const r = await send(await as(who), method, url, data);
      if (r.status !== 403) problems.push(`${who} ${method} ${url} → ${r.status} ${r.body.slice(0, 160)}`);
    }
  } finally {
    await sql(`UPDATE "StaffUser" SET "isDisabled" = false WHERE "email" = 'wide-admin@acme.test'`);
    const b = before.rows[0];
    await sql(
      `UPDATE "Workspace" SET "alertRecipients" = $2, "alertKinds" = $3, "messageRetentionDays" = $4, "notifierMailboxId" = $5 WHERE "id" = $1`,
      [f.workspaceA.id, b.alertRecipients, b.alertKinds, b.messageRetentionDays, b.notifierMailboxId],
    );
  }
  // The shared objects are intact.
  const owner = await as("owner");
  expect.soft((await owner.get(`/api/apps/${s.mspApp}`)).status(), "MSP app still there").toBe(200);
  expect.soft((await owner.get(`/api/webhooks/${s.allWebhook}`)).status(), "all-tenant webhook still there").toBe(200);
  expect(problems).toEqual([]);
});

test("[CROSS-TENANT] workspace-wide reads are trimmed for limited staff", async () => {
  const problems: string[] = [];
  const saved = await sql(`SELECT "notifierMailboxId" FROM "Workspace" WHERE "id" = $1`, [f.workspaceA.id]);
  // The notifier is Beta's mailbox: a limited caller must not learn it.
  await sql(`UPDATE "Workspace" SET "notifierMailboxId" = $2 WHERE "id" = $1`, [f.workspaceA.id, f.objects.beta.mailbox]);
  const outside = (m: { hasAllTenants: boolean; tenantIds: string[] }) => m.hasAllTenants || m.tenantIds.some((t) => t !== alpha);
  try {
    for (const who of LIMITED) {
      const api = await as(who);
      const st = await api.get("/api/staff");
      if (st.status() === 200) {
        const list = (await st.json()).staff as { email: string; hasAllTenants: boolean; tenantIds: string[] }[];
        const shown = list.filter((m) => m.email !== f.users[who] && outside(m)).map((m) => m.email);
        if (shown.length) problems.push(`${who} GET /api/staff shows members outside its tenants: ${shown.join(", ")}`);
      } else if (st.status() !== 403) problems.push(`${who} GET /api/staff → ${st.status()}`);

      const au = await api.get("/api/audit?limit=200");
      const entries = (await au.json()).entries as { tenantId: string | null; action: string; actorEmail: string }[];
      // Alpha's lines, and the workspace-level lines the caller wrote itself (README, Security model):
      // never another tenant's, nor workspace-level lines of others (settings, staff, keys).
      const bad = entries
        .filter((e) => e.tenantId !== alpha && !(e.tenantId === null && e.actorEmail === f.users[who]))
        .map((e) => `${e.action}(${e.tenantId ?? "no tenant"} by ${e.actorEmail})`);
      if (bad.length)
        problems.push(`${who} GET /api/audit shows rows of another or no tenant: ${[...new Set(bad)].slice(0, 8).join(", ")}`);

      const al = await api.get("/api/settings/alerts");
      const alText = await al.text();
      const leaked = [f.users.owner, f.users.admin, "admin@demomsp.onmicrosoft.com", "beta-tech@acme.test"].filter((e) =>
        alText.includes(e),
      );
      if (al.status() >= 500 || leaked.length)
        problems.push(`${who} GET /api/settings/alerts → ${al.status()} shows recipients outside its tenants: ${leaked.join(", ")}`);

      const no = await api.get("/api/settings/notifier");
      const noText = await no.text();
      if (no.status() >= 500 || noText.includes("helpdesk@beta.example.com") || noText.includes(f.objects.beta.mailbox))
        problems.push(`${who} GET /api/settings/notifier → ${no.status()} shows Beta's notifier mailbox`);

      for (const [url, names] of [
        ["/api/webhooks", ["hooks.example.com/beta-only", "hooks.example.com/other-msp"]],
        ["/api/api-keys", ["Beta-only key", "Other MSP key"]],
        ["/api/apps", ["beta.example.com app", "gamma.example.com app"]],
        ["/api/mailboxes", ["helpdesk@beta.example.com", "helpdesk@gamma.example.com"]],
        // Paged, filtered and searched on the server: a search or sort never reaches past the scope.
        ["/api/mailboxes?limit=200&q=helpdesk&sort=tenant&dir=desc", ["helpdesk@beta.example.com", "helpdesk@gamma.example.com"]],
        ["/api/mailboxes?q=beta&attention=0&sort=lastSync", ["helpdesk@beta.example.com", "Beta LLC"]],
        ["/api/tenants", ["Beta LLC", "Gamma GmbH"]],
        ["/api/overview", ["Beta LLC", "helpdesk@beta.example.com"]],
        ["/api/events?limit=500", ["Beta LLC", "helpdesk@beta.example.com"]],
        ["/api/support-bundle", ["Beta LLC", "helpdesk@beta.example.com", "beta-tech@acme.test", "hooks.example.com/beta-only"]],
      ] as const) {
        const r = await api.get(url);
        const text = await r.text();
        const seen = names.filter((n) => text.includes(n));
        if (r.status() >= 500 || seen.length) problems.push(`${who} GET ${url} → ${r.status()} shows ${seen.join(", ")}`);
      }
    }
  } finally {
    await sql(`UPDATE "Workspace" SET "notifierMailboxId" = $2 WHERE "id" = $1`, [f.workspaceA.id, saved.rows[0].notifierMailboxId]);
  }
  expect(problems).toEqual([]);
});

test("[CROSS-TENANT] every page: foreign ids render not-found, lists never name what is outside the caller", async ({ browser }) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  const pages = listPages();
  // Pages with ids decide on the server (notFound() before any client code), so their HTML is the
  // whole answer; list pages load their data in the browser, so they are read in Chromium.
  const jobs: { who: TCallerName; url: string; kind: "notFound" | "list" | "refusal"; names: string[]; refusal?: string }[] = [];
  for (const who of [...LIMITED, "otherOwner"] as TCallerName[]) {
    const caller = CALLERS[who];
    const names = who === "otherOwner" ? OUT_OF_B : OUT_OF_ALPHA;
    for (const p of pages) {
      const c = PAGE_CASES[p.path];
      if (!c) continue;
      if (c.kind === "path") {
        const params = p.params as TParam[];
        for (const set of caller.foreign) {
          if (params.every((x) => set[x]))
            jobs.push({ who, url: fill(p.path, Object.fromEntries(params.map((x) => [x, set[x]!]))), kind: "notFound", names });
          for (const x of params) {
            const others = params.filter((y) => y !== x);
            if (params.length > 1 && set[x] && others.every((y) => caller.own[y]))
              jobs.push({
                who,
                url: fill(p.path, { ...Object.fromEntries(others.map((y) => [y, caller.own[y]!])), [x]: set[x]! }),
                kind: "notFound",
                names,
              });
          }
        }
      } else if (c.kind === "list" && who === "limitedAdmin") jobs.push({ who, url: p.path, kind: "list", names });
      else if (c.kind === "token" && who === "limitedAdmin") {
        for (const token of [`x${randomUUID()}`, "a".repeat(300)])
          jobs.push({ who, url: fill(p.path, { token }), kind: "refusal", names, refusal: c.refusal });
      }
    }
  }
  expect(jobs.length).toBeGreaterThan(25);
  const visible = (html: string) =>
    html
      .replace(/<script[\s\S]*?<\/script>/g, " ")
      .replace(/<[^>]*>/g, " ")
      .replace(/&#x27;|&#39;/g, "'");
  await pool(
    jobs.filter((j) => j.kind !== "list"),
    6,
    async (j) => {
      const r = await (await as(j.who)).get(j.url, { maxRedirects: 0 });
      const html = await r.text();
      const text = visible(html);
      const seen = j.names.filter((n) => html.includes(n));
      if (seen.length) problems.push(`${j.who} ${j.url} shows ${seen.join(", ")}`);
      if (j.kind === "notFound" && r.status() !== 404 && !/could not be found/i.test(text))
        problems.push(`${j.who} ${j.url} → ${r.status()} is not the not-found page`);
      if (j.kind === "refusal" && r.status() !== 404 && !text.includes(j.refusal!))
        problems.push(`${j.who} ${j.url} → ${r.status()} without the refusal text`);
    },
  );
  const ctx = await browser.newContext({ baseURL: f.baseUrl, storageState: await (await as("limitedAdmin")).storageState() });
  await pool(
    jobs.filter((j) => j.kind === "list"),
    3,
    async (j) => {
      const page = await ctx.newPage();
      try {
        const res = await page.goto(j.url);
        await page.waitForLoadState("networkidle", { timeout: 8_000 }).catch(() => undefined);
        const text = await page.locator("body").innerText();
        const seen = j.names.filter((n) => text.includes(n));
        if (seen.length) problems.push(`${j.who} page ${j.url} shows ${seen.join(", ")}`);
        if ((res?.status() ?? 500) >= 500) problems.push(`${j.who} page ${j.url} → ${res?.status()}`);
      } finally {
        await page.close();
      }
    },
  );
  await ctx.close();
  expect(problems).toEqual([]);
});
