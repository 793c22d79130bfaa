// Every catalog entry, reproduced end to end: the case list is the catalog. Each case flips the
// sandbox's switch (or drives the real condition) through its admin API, lets Consentry meet it the
// way production does — the worker's sync, a send, a refresh, the connection test, a consent round
// trip — and asserts the diagnosis code, the mailbox's state, the evidence and the fix shown. A
// catalog entry without a case (here or in OWNED_ELSEWHERE) fails the first test. One sandbox and
// one database for the file; every switch is reset after each case.
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import net from "node:net";
import tls from "node:tls";
import type { ImapFlow } from "imapflow";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { sealValue } from "../crypto";
import { resetEnvCache } from "../env";
import { SEED, SEED_PASSWORD } from "../../sandbox/directory/seed";
import { makeTls } from "../../testing/test-context";
import { IMAP_SCOPE, mailboxWithSandboxGrant, OUTLOOK, sandboxForFile, useSandboxCloud } from "../../testing/sandbox-grant";
import { CATALOG, catalogEntry, type TDiagnosisCode } from "./catalog";
import { describe as describeCode } from "./describe";
import { classify } from "./classify";
import { failureFromRedirect } from "../microsoft/parse-error";
import { syncMailbox } from "../sync/sync-mailbox";
import { syncDueMailboxes } from "../sync/sync-loop";
import { testMailboxConnection } from "../checks/connection-test";
import { refreshMailboxToken } from "../checks/refresh-token";
import { sendFromMailbox } from "../outbound/send-from-mailbox";
import { checkSecretExpiry } from "../apps/secret-expiry-check";
import { startAdminConsent, startMailboxConsent } from "../consent/start-consent";
import { handleCallback } from "../consent/handle-callback";
import { getConsentResult } from "../consent/get-result";
import { loadMailbox } from "../mailboxes/load-mailbox";
import { getMailboxDetail } from "../health/get-mailbox-detail";
import { mailboxResource } from "../grants/mailbox-token";
import { MIN_REMAINING_MS } from "../grants/get-access-token";

const env = sandboxForFile();
const C = SEED.contoso;
const F = SEED.fabrikam;
const N = SEED.northwind;
const SMTP_SCOPE = `${OUTLOOK}/SMTP.Send`;
const GRAPH_SCOPES = ["https://graph.microsoft.com/Mail.ReadWrite", "https://graph.microsoft.com/Mail.Send"];
const GRAPH_DEFAULTS = { concurrency: 4, requestsPerWindow: 10_000, windowSeconds: 600, retryAfterSeconds: 10, latencyMs: 0 };

/**
 * Entries other helpers of issue 13 reproduce in their own test files; the lead points these at
 * their tests when merging. Shared mailboxes (helper D2): the delegate's FullAccess, the shared
 * address used to sign in, and SendAs refusals.
 */
// Entries reproduced end to end in their feature's own file (named here, and checked to be there).
const SHARED = "lib/diagnostics/shared-mailbox-reproductions.test.ts";
const APP_ONLY = "lib/sync/app-only-sync.test.ts";
const OWNED_ELSEWHERE = new Map<string, string>([
  ["delegate_lacks_full_access", SHARED],
  ["shared_address_misused", SHARED],
  ["delegate_lacks_send_as", SHARED],
  ["mailbox_full", SHARED],
  ["shared_mailbox_over_size_limit", SHARED],
  ["shared_mailbox_not_in_exchange_online", SHARED],
  ["app_only_missing_role", APP_ONLY],
  ["app_only_sp_not_registered", APP_ONLY],
  ["app_only_no_mailbox_access", APP_ONLY],
  ["app_only_outside_scope", APP_ONLY],
]);

/** Not reproduced yet, each with what stands in the way; listed as todo below so a gap shows in every run. */
const NOT_YET = new Map<string, string>();

type TFixture = Awaited<ReturnType<typeof mailboxWithSandboxGrant>>;
/** What a person sees: the diagnosis code, the mailbox's state, the evidence, and the fix steps. */
type TSeen = { code: string; evidence: string; fix: readonly string[]; state?: { state: string; stateCode: string | null } };
type TCase = {
  code: TDiagnosisCode;
  /** How production meets it. */
  how: string;
  run: () => Promise<TSeen>;
  evidence: RegExp;
  /** Longer than the file's 60 s, for a case that waits on purpose. */
  timeoutMs?: number;
  /** The mailbox's state afterwards, when the case has a mailbox. */
  state?: [string, string | null];
};

const fixture = (address: string, o: Parameters<typeof mailboxWithSandboxGrant>[2] = {}) => mailboxWithSandboxGrant(env.sb, address, o);
const admin = (method: string, path: string, body?: unknown) => env.sb.admin(method, path, body);
const mailbox = (m: TFixture) =>
  db().mailbox.findUniqueOrThrow({ where: { id: m.ctx.mailboxId }, select: { state: true, stateCode: true, nextSyncAt: true } });

/** The mailbox as support sees it: its newest event with the code (the evidence), its state, and
 *  the mailbox page's diagnosis (the fix), or the catalog's view of the event's code. */
async function seenOnMailbox(m: TFixture, code: string): Promise<TSeen> {
  const row = await mailbox(m);
  const ev = await db().event.findFirst({ where: { mailboxId: m.ctx.mailboxId, code }, orderBy: { createdAt: "desc" } });
  const loaded = await loadMailbox(m.ctx);
  const detail = await getMailboxDetail(m.scope, m.ctx, loaded!.mailbox);
  const shown = detail.diagnosis?.code === code ? detail.diagnosis.fixSteps : describeCode(code).fixSteps;
  return {
    code: ev ? code : (row.stateCode ?? "none"),
    evidence: ev ? `${ev.message} ${JSON.stringify(ev.detail ?? {})}` : "",
    fix: shown,
    state: { state: row.state, stateCode: row.stateCode },
  };
}

/** The worker's sync of one mailbox, then what support sees. */
async function syncSeen(m: TFixture, code: string, opts: Parameters<typeof syncMailbox>[1] = {}): Promise<TSeen> {
  const r = await syncMailbox(m.ctx, opts);
  expect(r.ok ? "ok" : r.code).toBe(code);
  return seenOnMailbox(m, code);
}

/** The connection test ("Test connection", and right after Connect): its failing step. */
async function testSeen(m: TFixture): Promise<TSeen> {
  const r = await testMailboxConnection(m.ctx);
  const failed = r.steps.find((s) => !s.ok);
  const row = await mailbox(m);
  return {
    code: failed?.diagnosis?.code ?? "none",
    evidence: `${failed?.detail ?? ""} ${failed?.diagnosis?.evidence.summary ?? ""}`,
    fix: failed?.diagnosis?.fixSteps ?? [],
    state: { state: row.state, stateCode: row.stateCode },
  };
}

const deliver = (address: string, raw: string) => admin("POST", `/admin/mail/mailboxes/${address}/messages`, { raw });
const mail = (address: string, id: string, subject: string, body = "Hello") =>
  `From: Customer <customer@example.com>\r\nTo: ${address}\r\nSubject: ${subject}\r\nMessage-ID: ${id}\r\nDate: ${new Date().toUTCString()}\r\n\r\n${body}\r\n`;
const generate = (address: string, count: number) =>
  admin("POST", `/admin/mail/mailboxes/${address}/messages`, { generate: { count, size: 2000 } });

async function reseal(m: TFixture, value: string) {
  for (const s of await db().appSecret.findMany({ where: { appRegistrationId: m.appId }, select: { id: true, workspaceId: true } }))
    await db().appSecret.update({
      where: { id: s.id },
      data: { sealedValue: sealValue(value, "client_secret", { workspaceId: s.workspaceId, rowId: s.id }) },
    });
}

/** A cached access token for the mailbox's protocol that Consentry believes fresh for an hour. */
async function plantAccessToken(m: TFixture, protocol: "imap" | "graph", value: string) {
  await db().grant.update({
    where: { mailboxId: m.ctx.mailboxId },
    data: {
      sealedAccessToken: sealValue(value, "access_token", { workspaceId: m.ctx.workspaceId, rowId: m.ctx.mailboxId }),
      accessTokenResource: mailboxResource("sandbox", protocol).resource,
      accessTokenExpiresAt: new Date(Date.now() + 3_600_000),
    },
  });
}

/** Points the Sandbox cloud's IMAP host elsewhere for one case (restored after each case). */
function imapHostAt(port: number) {
  process.env.SANDBOX_IMAP_HOST = `localhost:${port}`;
  resetEnvCache();
}

// --- a person on Microsoft's pages -----------------------------------------------------------------
type TStep = { kind: "callback"; query: Record<string, string> } | { kind: "microsoft_page"; html: string };
const flowOf = (html: string) => /name="flow" value="([^"]+)"/.exec(html)?.[1] ?? "";

async function throughMicrosoft(url: string, upn: string, o: { consent?: "accept" | "cancel"; password?: string } = {}): Promise<TStep> {
  const toCallback = (r: Response): TStep => ({
    kind: "callback",
    query: Object.fromEntries(new URL(r.headers.get("location")!).searchParams),
  });
  let r = await fetch(url, { redirect: "manual" });
  if (r.status === 302) return toCallback(r);
  let html = await r.text();
  if (!flowOf(html)) return { kind: "microsoft_page", html };
  r = await fetch(`${env.sb.urls.identity}/_sandbox/login`, {
    method: "POST",
    redirect: "manual",
    body: new URLSearchParams({ flow: flowOf(html), loginfmt: upn, passwd: o.password ?? SEED_PASSWORD }),
  });
  if (r.status === 302) return toCallback(r);
  html = await r.text();
  const back = /<a href="([^"]+)">Return to the application/.exec(html)?.[1];
  if (back) return { kind: "callback", query: Object.fromEntries(new URL(back.replace(/&amp;/g, "&")).searchParams) };
  if (!/action" value="accept"|name="action"/.test(html) || o.password) return { kind: "microsoft_page", html };
  r = await fetch(`${env.sb.urls.identity}/_sandbox/consent`, {
    method: "POST",
    redirect: "manual",
    body: new URLSearchParams({ flow: flowOf(html), action: o.consent ?? "accept" }),
  });
  return toCallback(r);
}

/** The consent result page's diagnosis after Microsoft sent the person back. */
async function consentSeen(state: string): Promise<TSeen> {
  const r = await getConsentResult(state);
  const d = (r?.detail ?? {}) as { fixSteps?: string[]; evidence?: string; message?: string; title?: string };
  return { code: r?.resultCode ?? "none", evidence: JSON.stringify(r?.detail ?? {}), fix: d.fixSteps ?? [] };
}

/** Microsoft shows these on its own page and never sends the person back: the case reaches the
 *  page through a real round trip, and the catalog reads the AADSTS code the page shows (what
 *  support pastes from a screenshot). */
function pageSeen(step: TStep): TSeen {
  expect(step.kind).toBe("microsoft_page");
  const html = step.kind === "microsoft_page" ? step.html.replace(/&#39;/g, "'") : "";
  const text = /AADSTS\d+[^<]*/.exec(html)?.[0] ?? "";
  const d = classify(failureFromRedirect({ error: "", error_description: text }));
  return { code: d.code, evidence: text, fix: d.fixSteps };
}

async function connectAttempt(m: TFixture, upn: string, o: { consent?: "accept" | "cancel"; password?: string } = {}) {
  const staffUserId = randomUUID();
  const started = await startMailboxConsent({ ...m.ctx, staffUserId });
  const step = await throughMicrosoft(started.url, upn, o);
  return { started, step, staffUserId };
}

// --- the cases ---------------------------------------------------------------------------------------
const CASES: TCase[] = [
  // The app's secret, at the refresh a sync makes.
  {
    code: "secret_invalid",
    how: "the secret's ID pasted instead of its value → worker sync refreshes",
    evidence: /AADSTS7000215/,
    state: ["failing", "secret_invalid"],
    run: async () => {
      const m = await fixture(`helpdesk@${F.domain}`, { tenant: F });
      await reseal(m, "4b2e1c3d-aaaa-4bbb-8ccc-123456789abc");
      return syncSeen(m, "secret_invalid");
    },
  },
  {
    code: "secret_expired",
    how: "the secret expires in Azure → worker sync refreshes",
    evidence: /AADSTS7000222/,
    state: ["failing", "secret_expired"],
    run: async () => {
      const m = await fixture(`helpdesk@${F.domain}`, { tenant: F });
      const s = (await admin("POST", `/admin/apps/${F.clientId}/secrets`, { expiresInDays: 30 })).body;
      await reseal(m, s.value);
      await admin("POST", `/admin/apps/${F.clientId}/secrets/${s.id}/expire`);
      return syncSeen(m, "secret_expired");
    },
  },
  {
    code: "secret_missing",
    how: "the app has no active secret in Consentry → worker sync",
    evidence: /no active client secret/,
    state: ["failing", "secret_missing"],
    run: async () => {
      const m = await fixture(`helpdesk@${F.domain}`, { tenant: F });
      await db().appSecret.updateMany({ where: { appRegistrationId: m.appId }, data: { status: "retired" } });
      return syncSeen(m, "secret_missing");
    },
  },
  {
    code: "secret_expiring",
    how: "the secret is 10 days from expiry → the worker's secret check",
    evidence: /expires in 10 days/,
    run: async () => {
      const m = await fixture(`helpdesk@${F.domain}`, { tenant: F });
      await db().appSecret.updateMany({
        where: { appRegistrationId: m.appId },
        data: { expiresAt: new Date(Date.now() + 10 * 86_400_000 - 60_000) },
      });
      await checkSecretExpiry();
      const ev = await db().event.findFirstOrThrow({ where: { workspaceId: m.ctx.workspaceId, code: "secret_expiring" } });
      return { code: ev.code, evidence: ev.message, fix: describeCode(ev.code).fixSteps };
    },
  },
  // The grant, at the refresh a sync makes.
  {
    code: "refresh_token_inactive",
    how: "91 days without a refresh → worker sync",
    evidence: /AADSTS700082/,
    state: ["needs_reconsent", "refresh_token_inactive"],
    run: async () => {
      // Contoso: Fabrikam's app secret (5 days left) would expire first.
      const m = await fixture(`bob@${C.domain}`);
      await admin("POST", "/admin/clock", { advanceDays: 91 });
      return syncSeen(m, "refresh_token_inactive");
    },
  },
  {
    code: "refresh_token_revoked",
    how: "sessions revoked; the issued access token then expires under IMAP → the next sync forces a refresh at once",
    evidence: /AADSTS50173/,
    state: ["needs_reconsent", "refresh_token_revoked"],
    run: async () => {
      const m = await fixture(`bob@${F.domain}`, { tenant: F });
      expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true });
      await new Promise((r) => setTimeout(r, 5));
      await admin("POST", `/admin/users/bob@${F.domain}/revoke-sessions`);
      // Microsoft keeps issued access tokens valid until they expire: the next sync still works,
      // and the mailbox page says when the revocation will show (the next refresh).
      expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true });
      const g = await db().grant.findUniqueOrThrow({ where: { mailboxId: m.ctx.mailboxId } });
      const detail = await getMailboxDetail(m.scope, m.ctx, (await loadMailbox(m.ctx))!.mailbox);
      expect(detail.nextRefreshAt).toBe(new Date(g.accessTokenExpiresAt!.getTime() - MIN_REMAINING_MS).toISOString());
      // The token expires (the sandbox's clock moves past it) while Consentry still holds it:
      // IMAP refuses it, and the sync refreshes before diagnosing, so the real cause shows now.
      await admin("POST", "/admin/clock", { advanceDays: 0.1 });
      const seen = await syncSeen(m, "refresh_token_revoked");
      expect(await db().auditEntry.count({ where: { workspaceId: m.ctx.workspaceId, action: "mailbox.refresh_token" } })).toBe(0);
      return seen;
    },
  },
  {
    code: "consent_missing",
    how: "consent removed in Entra → worker sync",
    evidence: /AADSTS65001/,
    state: ["needs_reconsent", "consent_missing"],
    run: async () => {
      const m = await fixture(`bob@${C.domain}`);
      await admin("DELETE", `/admin/tenants/${C.id}/consents/${C.clientId}`);
      return syncSeen(m, "consent_missing");
    },
  },
  {
    code: "mfa_required",
    how: "MFA now required for the user → worker sync",
    evidence: /AADSTS50076/,
    state: ["needs_reconsent", "mfa_required"],
    run: async () => {
      const m = await fixture(`bob@${F.domain}`, { tenant: F });
      await admin("PATCH", `/admin/users/bob@${F.domain}`, { mfaRequired: true });
      return syncSeen(m, "mfa_required");
    },
  },
  {
    code: "conditional_access_blocked",
    how: "a Conditional Access policy blocks the user → worker sync",
    evidence: /AADSTS53003/,
    state: ["needs_reconsent", "conditional_access_blocked"],
    run: async () => {
      const m = await fixture(`bob@${F.domain}`, { tenant: F });
      await admin("PATCH", `/admin/users/bob@${F.domain}`, { caBlocked: true });
      return syncSeen(m, "conditional_access_blocked");
    },
  },
  {
    code: "sign_in_frequency",
    how: "a 1-day sign-in frequency, two days later → worker sync",
    evidence: /AADSTS70043/,
    state: ["needs_reconsent", "sign_in_frequency"],
    run: async () => {
      const m = await fixture(`bob@${F.domain}`, { tenant: F });
      await admin("PATCH", `/admin/users/bob@${F.domain}`, { signInFrequencyDays: 1 });
      await admin("POST", "/admin/clock", { advanceDays: 2 });
      return syncSeen(m, "sign_in_frequency");
    },
  },
  {
    code: "user_disabled",
    how: "the account is blocked from signing in → worker sync",
    evidence: /AADSTS50057/,
    state: ["needs_reconsent", "user_disabled"],
    run: async () => {
      const m = await fixture(`bob@${F.domain}`, { tenant: F });
      await admin("PATCH", `/admin/users/bob@${F.domain}`, { isDisabled: true });
      return syncSeen(m, "user_disabled");
    },
  },
  {
    code: "malformed_grant",
    how: "the stored refresh token is damaged → worker sync",
    evidence: /AADSTS9002313/,
    state: ["needs_reconsent", "malformed_grant"],
    run: async () => {
      const m = await fixture(`bob@${F.domain}`, { tenant: F });
      await db().grant.update({
        where: { mailboxId: m.ctx.mailboxId },
        data: {
          sealedRefreshToken: sealValue("1.AXoA-damaged", "refresh_token", { workspaceId: m.ctx.workspaceId, rowId: m.ctx.mailboxId }),
        },
      });
      return syncSeen(m, "malformed_grant");
    },
  },
  {
    code: "app_not_found_in_tenant",
    how: "the app deleted from the customer's tenant → worker sync",
    evidence: /AADSTS700016/,
    state: ["failing", "app_not_found_in_tenant"],
    run: async () => {
      const m = await fixture(`helpdesk@${N.domain}`, { tenant: N });
      await admin("DELETE", `/admin/tenants/${N.id}/apps/${N.clientId}`);
      return syncSeen(m, "app_not_found_in_tenant");
    },
  },
  {
    code: "tenant_not_found",
    how: "a wrong directory ID on the tenant → Refresh token now",
    evidence: /AADSTS90002/,
    run: async () => {
      const m = await fixture(`bob@${F.domain}`, { tenant: F });
      await db().tenant.update({ where: { id: m.ctx.tenantId }, data: { directoryId: randomUUID(), primaryDomain: null } });
      const r = await refreshMailboxToken(m.ctx, {
        staffUserId: m.scope.staffUserId,
        email: m.scope.email,
        workspaceId: m.ctx.workspaceId,
      });
      expect(r).toMatchObject({ ok: false, diagnosis: { code: "tenant_not_found" } });
      return seenOnMailbox(m, "tenant_not_found");
    },
  },
  {
    code: "resource_not_found_in_tenant",
    how: "a tenant without Exchange Online → worker sync (its Outlook token)",
    evidence: /AADSTS500011/,
    run: async () => {
      const m = await fixture(`bob@${F.domain}`, { tenant: F });
      await admin("PATCH", `/admin/tenants/${F.id}`, { exchangeOnline: false });
      return syncSeen(m, "resource_not_found_in_tenant");
    },
  },
  {
    code: "invalid_scope",
    how: "the grant's scopes mix .default with named ones → worker sync",
    evidence: /AADSTS70011/,
    run: async () => {
      const m = await fixture(`bob@${F.domain}`, { tenant: F });
      await db().grant.update({ where: { mailboxId: m.ctx.mailboxId }, data: { scopes: [IMAP_SCOPE, `${OUTLOOK}/.default`] } });
      return syncSeen(m, "invalid_scope");
    },
  },
  {
    code: "legacy_endpoint",
    how: "a v1 token endpoint left in the app's override (an older release) → worker sync",
    evidence: /v1 token endpoint/,
    state: ["failing", "legacy_endpoint"],
    run: async () => {
      const m = await fixture(`bob@${F.domain}`, { tenant: F });
      await db().appRegistration.update({
        where: { id: m.appId },
        data: { tokenEndpointOverride: `${env.sb.urls.identity}/${F.id}/oauth2/token` },
      });
      return syncSeen(m, "legacy_endpoint");
    },
  },
  {
    code: "microsoft_unavailable",
    how: "the token endpoint answers 503 → worker sync (transient: the mailbox stays connected)",
    evidence: /AADSTS90033|transient/i,
    state: ["connected", null],
    run: async () => {
      const m = await fixture(`bob@${F.domain}`, { tenant: F });
      await admin("POST", "/admin/faults/token-endpoint", { mode: "503", count: 5 });
      return syncSeen(m, "microsoft_unavailable");
    },
  },
  // Consent round trips: Microsoft's pages, then Consentry's callback.
  {
    code: "consent_declined",
    how: "the user presses Cancel on the consent screen",
    evidence: /"aadsts":\[65004\]/,
    run: async () => {
      const m = await fixture(`bob@${C.domain}`);
      await admin("DELETE", `/admin/tenants/${C.id}/consents/${C.clientId}`);
      const a = await connectAttempt(m, `bob@${C.domain}`, { consent: "cancel" });
      expect(a.step.kind).toBe("callback");
      await handleCallback({
        query: a.step.kind === "callback" ? a.step.query : {},
        cookieState: a.started.state,
        staffUserId: a.staffUserId,
      });
      return consentSeen(a.started.state);
    },
  },
  {
    code: "admin_approval_required",
    how: "users may not consent in the tenant: Microsoft's Need admin approval page",
    evidence: /"aadsts":\[90094\]/,
    run: async () => {
      const m = await fixture(`bob@${N.domain}`, { tenant: N });
      await admin("DELETE", `/admin/tenants/${N.id}/consents/${N.clientId}`);
      const a = await connectAttempt(m, `bob@${N.domain}`);
      await handleCallback({
        query: a.step.kind === "callback" ? a.step.query : {},
        cookieState: a.started.state,
        staffUserId: a.staffUserId,
      });
      return consentSeen(a.started.state);
    },
  },
  {
    code: "admin_consent_wrong_tenant",
    how: "organization consent comes back naming another directory",
    evidence: new RegExp(SEED.msp.id),
    run: async () => {
      const m = await fixture(`bob@${C.domain}`);
      const staffUserId = randomUUID();
      const { state } = await startAdminConsent({
        workspaceId: m.ctx.workspaceId,
        tenantId: m.ctx.tenantId,
        appRegistrationId: m.appId,
        staffUserId,
      });
      await handleCallback({ query: { admin_consent: "True", tenant: SEED.msp.id, state }, cookieState: state, staffUserId });
      return consentSeen(state);
    },
  },
  {
    code: "admin_consent_unconfirmed",
    how: "organization consent comes back with no valid directory",
    evidence: /not a directory ID/,
    run: async () => {
      const m = await fixture(`bob@${C.domain}`);
      const staffUserId = randomUUID();
      const { state } = await startAdminConsent({
        workspaceId: m.ctx.workspaceId,
        tenantId: m.ctx.tenantId,
        appRegistrationId: m.appId,
        staffUserId,
      });
      await handleCallback({ query: { admin_consent: "True", tenant: "contoso", state }, cookieState: state, staffUserId });
      return consentSeen(state);
    },
  },
  {
    code: "code_reused",
    how: "Microsoft's redirect replayed: an already redeemed code arrives again, on a new attempt",
    evidence: /"aadsts":\[54005\]/,
    run: async () => {
      const m = await fixture(`bob@${F.domain}`, { tenant: F });
      const first = await connectAttempt(m, `bob@${F.domain}`);
      const q = first.step.kind === "callback" ? first.step.query : {};
      await handleCallback({ query: q, cookieState: first.started.state, staffUserId: first.staffUserId });
      const again = await startMailboxConsent({ ...m.ctx, staffUserId: first.staffUserId });
      await handleCallback({ query: { ...q, state: again.state }, cookieState: again.state, staffUserId: first.staffUserId });
      return consentSeen(again.state);
    },
  },
  {
    code: "pkce_mismatch",
    how: "a sign-in finished in another attempt than it started (its code with another attempt's verifier)",
    evidence: /"aadsts":\[501481\]/,
    run: async () => {
      const m = await fixture(`bob@${F.domain}`, { tenant: F });
      const first = await connectAttempt(m, `bob@${F.domain}`);
      const q = first.step.kind === "callback" ? first.step.query : {};
      const other = await startMailboxConsent({ ...m.ctx, staffUserId: first.staffUserId });
      await handleCallback({ query: { ...q, state: other.state }, cookieState: other.state, staffUserId: first.staffUserId });
      return consentSeen(other.state);
    },
  },
  // Shown by Microsoft on its own pages (Consentry is never called back): the round trip reaches
  // the page, and the catalog reads the code it shows.
  {
    code: "redirect_uri_mismatch",
    how: "Connect with Consentry's redirect URI missing from the app registration",
    evidence: /AADSTS50011/,
    run: async () => {
      const m = await fixture(`bob@${F.domain}`, { tenant: F });
      await admin("PATCH", `/admin/apps/${F.clientId}`, { redirectUris: ["https://elsewhere.example/callback"] });
      return pageSeen((await connectAttempt(m, `bob@${F.domain}`)).step);
    },
  },
  {
    code: "user_not_in_tenant",
    how: "Connect, signing in with an account of another organization",
    evidence: /AADSTS50020/,
    run: async () => {
      const m = await fixture(`bob@${F.domain}`, { tenant: F });
      return pageSeen((await connectAttempt(m, `bob@${C.domain}`)).step);
    },
  },
  {
    code: "bad_password",
    how: "Connect, typing a wrong password on Microsoft's sign-in page",
    evidence: /AADSTS50126/,
    run: async () => {
      const m = await fixture(`bob@${F.domain}`, { tenant: F });
      return pageSeen((await connectAttempt(m, `bob@${F.domain}`, { password: "wrong-Passw0rd!" })).step);
    },
  },
  // Exchange over IMAP, POP and SMTP.
  {
    code: "smtp_auth_disabled",
    how: "SMTP AUTH off for the tenant → the connection test",
    evidence: /5\.7\.139/,
    state: ["degraded", "smtp_auth_disabled"],
    run: async () => testSeen(await fixture(`helpdesk@${C.domain}`, { scopes: [IMAP_SCOPE, SMTP_SCOPE] })),
  },
  {
    code: "smtp_auth_failed",
    how: "a grant without SMTP.Send sends mail → one forced refresh, refused again",
    evidence: /5\.7\.3/,
    run: async () => {
      const m = await fixture(`bob@${F.domain}`, { tenant: F, mailbox: { outbound: "smtp" } });
      const r = await sendFromMailbox(m.ctx, { to: `it@${F.domain}`, subject: "Hello", text: "Hello" });
      expect(r.ok).toBe(false);
      const d = r.ok ? null : r.diagnosis;
      return { code: d?.code ?? "none", evidence: d?.evidence.summary ?? "", fix: d?.fixSteps ?? [] };
    },
  },
  {
    code: "wrong_user_signed_in",
    how: "another user of the tenant signed in for the mailbox → worker sync",
    evidence: /not connected/,
    state: ["degraded", "wrong_user_signed_in"],
    run: async () => syncSeen(await fixture(`helpdesk@${F.domain}`, { tenant: F, signedIn: `bob@${F.domain}` }), "wrong_user_signed_in"),
  },
  {
    code: "mailbox_unlicensed_or_imap_disabled",
    how: "IMAP turned off for the mailbox → worker sync",
    evidence: /not connected/,
    state: ["degraded", "mailbox_unlicensed_or_imap_disabled"],
    run: async () => {
      const m = await fixture(`bob@${F.domain}`, { tenant: F });
      await admin("PATCH", `/admin/users/bob@${F.domain}`, { imapEnabled: false });
      return syncSeen(m, "mailbox_unlicensed_or_imap_disabled");
    },
  },
  {
    code: "imap_not_connected",
    how: "a shared mailbox with no delegate on file, opened by someone without rights → worker sync (nothing tells the cause apart)",
    evidence: /not connected/,
    state: ["degraded", "imap_not_connected"],
    run: async () =>
      syncSeen(
        await fixture(`support@${F.domain}`, {
          tenant: F,
          signedIn: `bob@${F.domain}`,
          mailbox: { kind: "shared" },
        }),
        "imap_not_connected",
      ),
  },
  {
    code: "imap_auth_failed",
    how: "a grant without IMAP.AccessAsUser.All → worker sync: one forced refresh, refused again",
    evidence: /AUTHENTICATE failed/,
    state: ["degraded", "imap_auth_failed"],
    run: async () => syncSeen(await fixture(`bob@${F.domain}`, { tenant: F, scopes: [SMTP_SCOPE] }), "imap_auth_failed"),
  },
  {
    code: "pop_auth_failed",
    how: "a grant without POP.AccessAsUser.All reads over POP → worker sync",
    evidence: /ERR/,
    state: ["degraded", "pop_auth_failed"],
    run: async () =>
      syncSeen(await fixture(`bob@${F.domain}`, { tenant: F, scopes: [IMAP_SCOPE], mailbox: { inbound: "pop" } }), "pop_auth_failed"),
  },
  {
    code: "imap_dropped",
    how: "the server vanishes mid-fetch → worker sync (transient), and the next sync resumes: nothing lost or stored twice",
    evidence: /closed|ended|Connection|socket/i,
    state: ["connected", null],
    run: async () => {
      const address = `bob@${F.domain}`;
      const m = await fixture(address, { tenant: F });
      await generate(address, 30);
      const total = (await admin("GET", `/admin/mail/mailboxes/${address}?limit=1`)).body.total as number;
      await admin("POST", "/admin/mail/faults", { address, dropAfterMessages: 12 });
      const seen = await syncSeen(m, "imap_dropped");
      expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true });
      const keys = await db().message.findMany({ where: { mailboxId: m.ctx.mailboxId }, select: { sourceKey: true } });
      expect(keys).toHaveLength(total);
      expect(new Set(keys.map((k) => k.sourceKey)).size).toBe(total);
      return seen;
    },
  },
  {
    code: "imap_throttled",
    how: "Exchange throttles the running session's commands (BAD Request is throttled) → worker sync: transient, retried after the back-off Exchange asked for",
    evidence: /throttled/i,
    state: ["connected", null],
    // imapflow itself waits out the hint, capped at half its socket timeout (60 s for a sync
    // session), before it rejects the command: the case waits that long.
    timeoutMs: 120_000,
    run: async () => {
      const address = `it@${F.domain}`;
      const m = await fixture(address, { tenant: F });
      await admin("POST", "/admin/mail/faults", { address, throttleCommands: true });
      const r = await syncMailbox(m.ctx);
      expect(r).toMatchObject({ ok: false, code: "imap_throttled", transient: true });
      return seenOnMailbox(m, "imap_throttled");
    },
  },
  {
    code: "imap_uidvalidity_changed",
    how: "Exchange rebuilds the folder (new UIDVALIDITY) → the next sync reads it again, storing nothing twice",
    evidence: /UIDVALIDITY \d+ → \d+/,
    state: ["connected", null],
    run: async () => {
      const address = `it@${F.domain}`;
      const m = await fixture(address, { tenant: F });
      await generate(address, 5);
      expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true });
      const before = await db().message.count({ where: { mailboxId: m.ctx.mailboxId } });
      await admin("POST", `/admin/mail/mailboxes/${address}/folders/INBOX/reset-uidvalidity`);
      expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true, stored: 0 });
      expect(await db().message.count({ where: { mailboxId: m.ctx.mailboxId } })).toBe(before);
      return seenOnMailbox(m, "imap_uidvalidity_changed");
    },
  },
  {
    code: "imap_connection_limit",
    how: "another client holds the mailbox's last IMAP connection → worker sync, scheduled after Exchange's back-off",
    evidence: /throttled/,
    state: ["connected", null],
    run: async () => {
      const address = `bob@${F.domain}`;
      const m = await fixture(address, { tenant: F });
      await admin("PUT", "/admin/mail/settings", { connectionLimit: 1 });
      const other = await openImapAs(address, F.clientId);
      try {
        const r = await syncMailbox(m.ctx);
        expect(r).toMatchObject({ ok: false, code: "imap_connection_limit", transient: true, retryAfterSeconds: 300 });
        return seenOnMailbox(m, "imap_connection_limit");
      } finally {
        await other.logout().catch(() => other.close());
      }
    },
  },
  // Microsoft Graph.
  {
    code: "graph_throttled",
    how: "Graph answers 429 with Retry-After → worker sync, this mailbox scheduled after it",
    evidence: /retryAfterSeconds/,
    state: ["connected", null],
    run: async () => {
      const address = `it@${F.domain}`;
      const m = await fixture(address, { tenant: F, scopes: GRAPH_SCOPES, mailbox: { inbound: "graph", outbound: "none" } });
      await generate(address, 3);
      await admin("PUT", "/admin/graph/throttling", { requestsPerWindow: 2, windowSeconds: 40 });
      const r = await syncMailbox(m.ctx);
      expect(r).toMatchObject({ ok: false, code: "graph_throttled", transient: true });
      expect(r.ok ? 0 : r.retryAfterSeconds).toBeGreaterThan(0);
      return seenOnMailbox(m, "graph_throttled");
    },
  },
  {
    code: "graph_delta_expired",
    how: "Graph forgets the delta token → the next sync resyncs once, without duplicates",
    evidence: /resync/,
    state: ["connected", null],
    run: async () => {
      const address = `it@${F.domain}`;
      const m = await fixture(address, { tenant: F, scopes: GRAPH_SCOPES, mailbox: { inbound: "graph", outbound: "none" } });
      await generate(address, 3);
      expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true });
      const before = await db().message.count({ where: { mailboxId: m.ctx.mailboxId } });
      await admin("POST", `/admin/mail/mailboxes/${address}/invalidate-delta`);
      expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true });
      expect(await db().message.count({ where: { mailboxId: m.ctx.mailboxId } })).toBe(before);
      return seenOnMailbox(m, "graph_delta_expired");
    },
  },
  {
    code: "graph_mailbox_not_enabled",
    how: "an unlicensed mailbox read through Graph → worker sync",
    evidence: /inactive, soft-deleted, or is hosted on-premise/,
    state: ["degraded", "graph_mailbox_not_enabled"],
    run: async () =>
      syncSeen(
        await fixture(`sales@${N.domain}`, { tenant: N, scopes: GRAPH_SCOPES, mailbox: { inbound: "graph", outbound: "none" } }),
        "graph_mailbox_not_enabled",
      ),
  },
  {
    code: "graph_invalid_token",
    how: "Graph refuses the cached token (401) → the sync refreshes it and retries, and keeps the evidence",
    evidence: /401|token/i,
    state: ["connected", null],
    run: async () => {
      const m = await fixture(`it@${F.domain}`, { tenant: F, scopes: GRAPH_SCOPES, mailbox: { inbound: "graph", outbound: "none" } });
      await plantAccessToken(m, "graph", "eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.");
      expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true });
      return seenOnMailbox(m, "graph_invalid_token");
    },
  },
  {
    code: "graph_access_denied",
    how: "a grant that may send but not read mail, read through Graph → worker sync",
    evidence: /ErrorAccessDenied|Access is denied/,
    state: ["degraded", "graph_access_denied"],
    run: async () =>
      syncSeen(
        await fixture(`it@${F.domain}`, {
          tenant: F,
          scopes: ["https://graph.microsoft.com/Mail.Send"],
          mailbox: { inbound: "graph", outbound: "none" },
        }),
        "graph_access_denied",
      ),
  },
  {
    code: "graph_invalid_user",
    how: "an address that isn't a mailbox in the tenant, read through Graph → worker sync",
    evidence: /is invalid/,
    state: ["degraded", "graph_invalid_user"],
    run: async () =>
      syncSeen(
        await fixture(`nobody@${F.domain}`, {
          tenant: F,
          signedIn: `it@${F.domain}`,
          scopes: GRAPH_SCOPES,
          mailbox: { inbound: "graph", outbound: "none" },
        }),
        "graph_invalid_user",
      ),
  },
  {
    code: "graph_item_not_found",
    how: "the mailbox's folder was deleted by someone else, read through Graph → worker sync (transient)",
    evidence: /not found|ErrorItemNotFound/i,
    state: ["connected", null],
    run: async () =>
      syncSeen(
        await fixture(`it@${F.domain}`, {
          tenant: F,
          scopes: GRAPH_SCOPES,
          mailbox: { inbound: "graph", outbound: "none", folder: "AAMkAGDeletedFolder" },
        }),
        "graph_item_not_found",
      ),
  },
  // What the sync stores.
  {
    code: "message_too_large",
    how: "a message over the size Consentry stores → worker sync stores its summary and a note",
    evidence: /larger|MB|bytes/,
    state: ["connected", null],
    run: async () => {
      const address = `it@${F.domain}`;
      const m = await fixture(address, { tenant: F });
      await deliver(
        address,
        mail(address, `<big-${randomUUID()}@example.com>`, "Huge", "x".repeat(76) + ("\r\n" + "y".repeat(76)).repeat(2000)),
      );
      expect(await syncMailbox(m.ctx, { limits: { maxMessageBytes: 50_000 } })).toMatchObject({ ok: true });
      return seenOnMailbox(m, "message_too_large");
    },
  },
  {
    code: "message_not_stored",
    how: "a Message-ID too long for PostgreSQL's index → worker sync stores it without, and goes on",
    evidence: /index|Message-ID|refused|row/i,
    state: ["connected", null],
    run: async () => {
      const address = `it@${F.domain}`;
      const m = await fixture(address, { tenant: F });
      await deliver(address, mail(address, `<${randomBytes(4500).toString("base64url")}@example.com>`, "Long Message-ID"));
      expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true });
      return seenOnMailbox(m, "message_not_stored");
    },
  },
  // The network between the worker and Microsoft.
  {
    code: "tls_error",
    how: "the IMAP host presents a certificate nobody trusts (a TLS-intercepting proxy) → worker sync",
    evidence: /certificate|self.signed|verify/i,
    state: ["connected", null],
    run: async () => {
      const material = makeTls();
      const server = tls.createServer({ key: material.key, cert: material.cert }, (s) => s.end("* OK IMAP4rev1\r\n"));
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      try {
        const m = await fixture(`bob@${F.domain}`, { tenant: F });
        imapHostAt((server.address() as net.AddressInfo).port);
        return await syncSeen(m, "tls_error");
      } finally {
        server.close();
      }
    },
  },
  {
    code: "network_error",
    how: "nothing listens at the IMAP host (connection refused) → worker sync",
    evidence: /ECONNREFUSED/,
    state: ["connected", null],
    run: async () => {
      const probe = net.createServer();
      await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
      const port = (probe.address() as net.AddressInfo).port;
      await new Promise((r) => probe.close(r));
      const m = await fixture(`bob@${F.domain}`, { tenant: F });
      imapHostAt(port);
      return syncSeen(m, "network_error");
    },
  },
  {
    code: "unknown",
    how: "the mailbox's folder doesn't exist over IMAP → worker sync: an answer the catalog doesn't know",
    evidence: /NO|exist/i,
    state: ["degraded", "unknown"],
    run: async () => syncSeen(await fixture(`bob@${F.domain}`, { tenant: F, mailbox: { folder: "NoSuchFolder" } }), "unknown"),
  },
];

async function openImapAs(upn: string, clientId: string): Promise<ImapFlow> {
  const { ImapFlow } = await import("imapflow");
  const tok = await admin("POST", "/admin/tokens", { upn, clientId, scopes: [IMAP_SCOPE] });
  const client = new ImapFlow({
    host: "localhost",
    port: env.sb.ports.imap,
    secure: true,
    auth: { user: upn, accessToken: tok.body.access_token },
    logger: false,
  });
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

/** Every switch back to the seeded world: directory, clock, faults, throttling, limits, hosts. */
async function resetSandbox() {
  await admin("POST", "/admin/seed");
  await admin("POST", "/admin/clock", { reset: true });
  await admin("POST", "/admin/faults/token-endpoint", { mode: "503", count: 0 });
  await admin("POST", "/admin/token-lifetime", { seconds: null });
  const faults = (await admin("GET", "/admin/mail/faults")).body.faults as Record<string, unknown>;
  for (const a of Object.keys(faults)) await admin("DELETE", `/admin/mail/faults/${encodeURIComponent(a)}`);
  await admin("PUT", "/admin/mail/settings", { connectionLimit: 20 });
  await admin("PUT", "/admin/graph/throttling", GRAPH_DEFAULTS);
  useSandboxCloud(env.sb);
}

describe("every diagnosis, reproduced end to end through the sandbox", { timeout: 60_000 }, () => {
  afterEach(resetSandbox);

  it("has a case for every catalog entry (the catalog is the case list)", () => {
    const covered = new Set([...CASES.map((c) => c.code), ...OWNED_ELSEWHERE.keys(), ...NOT_YET.keys()]);
    const notThere = [...OWNED_ELSEWHERE].filter(([code, file]) => !new RegExp(`\\b${code}\\b`).test(readFileSync(file, "utf8")));
    expect(notThere, "entries said to be reproduced in a file that doesn't name them").toEqual([]);
    const missing = CATALOG.map((e) => e.code).filter((c) => !covered.has(c));
    expect(missing, "catalog entries without a reproduction: add a case to lib/diagnostics/reproductions.test.ts").toEqual([]);
    const stale = [...covered].filter((c) => !CATALOG.some((e) => e.code === c));
    expect(stale, "cases for entries no longer in the catalog").toEqual([]);
    expect(new Set(CASES.map((c) => c.code)).size).toBe(CASES.length);
  });

  for (const [code, why] of NOT_YET) it.todo(`${code}: not reproduced yet (${why})`);

  for (const c of CASES) {
    it(
      `${c.code}: ${c.how}`,
      async () => {
        const seen = await c.run();
        const e = catalogEntry(c.code);
        expect(seen.code, seen.evidence).toBe(c.code);
        expect(seen.evidence).toMatch(c.evidence);
        expect([...seen.fix]).toEqual([...e.fixSteps]);
        if (c.state) expect(seen.state).toEqual({ state: c.state[0], stateCode: c.state[1] });
        // Evidence is redacted: no token ever reaches it.
        expect(seen.evidence).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
      },
      c.timeoutMs,
    );
  }
});

describe("transient failures wait for the mailbox alone", { timeout: 60_000 }, () => {
  afterEach(resetSandbox);

  it("a stalled IMAP server times out (the connection test's 15 s) as a transient failure, and the next try goes through", async () => {
    const address = `bob@${F.domain}`;
    const m = await fixture(address, { tenant: F, mailbox: { outbound: "none" } });
    await admin("POST", "/admin/mail/faults", { address, stallSeconds: 30 });
    const t0 = Date.now();
    const stalled = await testMailboxConnection(m.ctx);
    expect(Date.now() - t0).toBeLessThan(25_000);
    expect(stalled.steps.map((s) => s.ok)).toEqual([false]);
    expect(stalled.steps[0].diagnosis, JSON.stringify(stalled.steps[0])).toMatchObject({ transient: true });
    const again = await testMailboxConnection(m.ctx);
    expect(again.ok, JSON.stringify(again.steps)).toBe(true);
    expect(await mailbox(m)).toMatchObject({ state: "connected", stateCode: null });
  });

  it("Graph's 429 Retry-After delays only the throttled mailbox: the other syncs on schedule, and nobody sleeps", async () => {
    const busy = await fixture(`it@${F.domain}`, { tenant: F, scopes: GRAPH_SCOPES, mailbox: { inbound: "graph", outbound: "none" } });
    // A new user: an empty mailbox.
    expect((await admin("POST", "/admin/users", { upn: `quiet@${F.domain}`, password: "Passw0rd!", isLicensed: true })).status).toBe(201);
    const quiet = await fixture(`quiet@${F.domain}`, { tenant: F, scopes: GRAPH_SCOPES, mailbox: { inbound: "graph", outbound: "none" } });
    // Each (app, mailbox) pair has its own window: the quiet one's round fits in it (its folder,
    // the delta page, one read per message), the busy one's doesn't.
    const quietTotal = ((await admin("GET", `/admin/mail/mailboxes/quiet@${F.domain}?limit=1`)).body?.total as number | undefined) ?? 0;
    await generate(`it@${F.domain}`, quietTotal + 6);
    await admin("PUT", "/admin/graph/throttling", { requestsPerWindow: quietTotal + 3, windowSeconds: 45 });
    const t0 = Date.now();
    await syncDueMailboxes(`repro-${randomUUID()}`, { concurrency: 2, only: [busy.ctx.mailboxId, quiet.ctx.mailboxId] });
    expect(Date.now() - t0).toBeLessThan(15_000);
    const b = await mailbox(busy);
    const q = await mailbox(quiet);
    expect(b).toMatchObject({ state: "connected", stateCode: null });
    expect(q).toMatchObject({ state: "connected", stateCode: null });
    // The busy mailbox waits what Graph asked (about the window's remaining 45 s), the quiet one its usual minute.
    const wait = b.nextSyncAt!.getTime() - t0;
    expect(wait).toBeGreaterThan(30_000);
    expect(wait).toBeLessThan(50_000);
    const quietEvents = await db().event.findMany({
      where: { mailboxId: quiet.ctx.mailboxId },
      select: { code: true, message: true, detail: true },
    });
    expect(q.nextSyncAt!.getTime() - t0, JSON.stringify({ quietTotal, quietEvents })).toBeGreaterThanOrEqual(59_000);
    const ev = await db().event.findFirstOrThrow({ where: { mailboxId: busy.ctx.mailboxId, code: "graph_throttled" } });
    expect(ev.detail).toMatchObject({ retryAfterSeconds: expect.any(Number), transient: true });
    expect(await db().event.count({ where: { mailboxId: quiet.ctx.mailboxId, code: "graph_throttled" } })).toBe(0);
  });
});
