// Integration: each consent failure from its sandbox switch, through Microsoft's real pages and
// Consentry's callback, to the diagnosis the result page shows; refresh-time failures likewise.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { sealValue } from "../crypto";
import { startTestSandbox } from "../../testing/start-test-sandbox";
import { SEED, SEED_PASSWORD } from "../../sandbox/directory/seed";
import { mailboxWithSandboxGrant, OUTLOOK, useSandboxCloud, type TTestSandbox } from "../../testing/sandbox-grant";
import { startMailboxConsent } from "./start-consent";
import { handleCallback } from "./handle-callback";
import { getConsentResult } from "./get-result";
import { getAccessToken } from "../grants/get-access-token";
import { microsoftRefresher } from "../grants/microsoft-refresher";

let sb: TTestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
  useSandboxCloud(sb);
});
afterAll(() => sb?.stop());

type TStep = { kind: "callback"; query: Record<string, string> } | { kind: "microsoft_error"; html: string };

/** Puts another secret value on the app's secrets (each sealed to its own row). */
async function resealSecret(f: Awaited<ReturnType<typeof mailboxWithSandboxGrant>>, value: string) {
  for (const s of await db().appSecret.findMany({ where: { appRegistrationId: f.appId }, select: { id: true, workspaceId: true } })) {
    await db().appSecret.update({
      where: { id: s.id },
      data: { sealedValue: sealValue(value, "client_secret", { workspaceId: s.workspaceId, rowId: s.id }) },
    });
  }
}

/** A person on Microsoft's pages: signs in, then accepts or cancels consent, or takes the
 *  "return without consent" link of the admin-approval page. */
async function throughMicrosoft(url: string, upn: string, consent: "accept" | "cancel" = "accept"): Promise<TStep> {
  const flowOf = (html: string) => /name="flow" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const toCallback = (r: Response): TStep => ({
    kind: "callback",
    query: Object.fromEntries(new URL(r.headers.get("location")!).searchParams),
  });
  let r = await fetch(url, { redirect: "manual" });
  let html = await r.text();
  if (!flowOf(html)) return { kind: "microsoft_error", html };
  r = await fetch(`${sb.urls.identity}/_sandbox/login`, {
    method: "POST",
    redirect: "manual",
    body: new URLSearchParams({ flow: flowOf(html), loginfmt: upn, passwd: SEED_PASSWORD }),
  });
  if (r.status === 302) return toCallback(r);
  html = await r.text();
  const back = /<a href="([^"]+)">Return to the application/.exec(html)?.[1];
  if (back) return { kind: "callback", query: Object.fromEntries(new URL(back.replace(/&amp;/g, "&")).searchParams) };
  if (!flowOf(html)) return { kind: "microsoft_error", html };
  r = await fetch(`${sb.urls.identity}/_sandbox/consent`, {
    method: "POST",
    redirect: "manual",
    body: new URLSearchParams({ flow: flowOf(html), action: consent }),
  });
  return toCallback(r);
}

async function connectAttempt(
  m: Awaited<ReturnType<typeof mailboxWithSandboxGrant>>,
  upn: string,
  opts: { consent?: "accept" | "cancel"; beforeCallback?: () => Promise<void> } = {},
) {
  const staffUserId = randomUUID();
  const started = await startMailboxConsent({ ...m.ctx, staffUserId });
  const step = await throughMicrosoft(started.url, upn, opts.consent);
  if (step.kind === "microsoft_error") return { step, result: null };
  await opts.beforeCallback?.();
  await handleCallback({ query: step.query, cookieState: started.state, staffUserId });
  return { step, result: await getConsentResult(started.state) };
}

describe("consent failures, from the sandbox switch to the diagnosis", { timeout: 60_000 }, () => {
  it("declined consent (AADSTS65004) and admin approval required (AADSTS90094)", async () => {
    const c = await mailboxWithSandboxGrant(sb, `bob@${SEED.contoso.domain}`);
    await sb.admin("DELETE", `/admin/tenants/${SEED.contoso.id}/consents/${SEED.contoso.clientId}`);
    const declined = await connectAttempt(c, `bob@${SEED.contoso.domain}`, { consent: "cancel" });
    expect(declined.step).toMatchObject({ query: { error: "access_denied" } });
    expect(declined.result).toMatchObject({ status: "failed", resultCode: "consent_declined" });

    const n = await mailboxWithSandboxGrant(sb, `bob@${SEED.northwind.domain}`, { tenant: SEED.northwind });
    await sb.admin("DELETE", `/admin/tenants/${SEED.northwind.id}/consents/${SEED.northwind.clientId}`);
    const approval = await connectAttempt(n, `bob@${SEED.northwind.domain}`);
    expect(approval.step).toMatchObject({ query: { error: "access_denied" } });
    expect(approval.step.kind === "callback" && approval.step.query.error_description).toContain("AADSTS90094");
    expect(approval.result).toMatchObject({ status: "failed", resultCode: "admin_approval_required" });
  });

  it("a wrong secret (AADSTS7000215) or an expired one (AADSTS7000222) at code redemption", async () => {
    const f = await mailboxWithSandboxGrant(sb, `it@${SEED.fabrikam.domain}`, { tenant: SEED.fabrikam });
    const wrong = await connectAttempt(f, `it@${SEED.fabrikam.domain}`, {
      beforeCallback: async () => {
        await resealSecret(f, "4b2e1c3d-aaaa-4bbb-8ccc-123456789abc");
      },
    });
    expect(wrong.result).toMatchObject({ status: "failed", resultCode: "secret_invalid" });

    const fresh = (await sb.admin("POST", `/admin/apps/${SEED.fabrikam.clientId}/secrets`, { expiresInDays: 30 })).body;
    await resealSecret(f, fresh.value);
    const expired = await connectAttempt(f, `it@${SEED.fabrikam.domain}`, {
      beforeCallback: async () => {
        await sb.admin("POST", `/admin/apps/${SEED.fabrikam.clientId}/secrets/${fresh.id}/expire`);
      },
    });
    expect(expired.result).toMatchObject({ status: "failed", resultCode: "secret_expired" });
  });

  it("Microsoft's own error pages: unregistered redirect URI (AADSTS50011), app gone from the tenant (AADSTS700016)", async () => {
    const m = await mailboxWithSandboxGrant(sb, `admin@${SEED.msp.domain}`, {
      tenant: { ...SEED.msp, clientId: SEED.mspApp.clientId, secret: SEED.mspApp.secret },
    });
    const state = (await sb.admin("GET", "/admin/state")).body;
    const before = state.apps.find((a: { clientId: string }) => a.clientId === SEED.mspApp.clientId).redirectUris;
    await sb.admin("PATCH", `/admin/apps/${SEED.mspApp.clientId}`, { redirectUris: ["https://elsewhere.example/callback"] });
    const mismatch = await connectAttempt(m, `admin@${SEED.msp.domain}`);
    expect(mismatch.step.kind).toBe("microsoft_error");
    expect(mismatch.step.kind === "microsoft_error" && mismatch.step.html).toMatch(
      /AADSTS50011: The redirect URI &#39;http:\/\/localhost:3000\/api\/oauth\/callback&#39;/,
    );
    await sb.admin("PATCH", `/admin/apps/${SEED.mspApp.clientId}`, { redirectUris: before });

    // A single-tenant app removed from its tenant (a multi-tenant one would just ask for consent).
    const c = await mailboxWithSandboxGrant(sb, `it@${SEED.contoso.domain}`);
    await sb.admin("DELETE", `/admin/tenants/${SEED.contoso.id}/apps/${SEED.contoso.clientId}`);
    const gone = await connectAttempt(c, `it@${SEED.contoso.domain}`);
    expect(gone.step.kind === "microsoft_error" && gone.step.html).toContain("AADSTS700016");
  });

  it("at refresh: app deleted from the tenant (AADSTS700016) and sign-in frequency (AADSTS70043)", async () => {
    const gone = await mailboxWithSandboxGrant(sb, `helpdesk@${SEED.northwind.domain}`, { tenant: SEED.northwind });
    await sb.admin("DELETE", `/admin/tenants/${SEED.northwind.id}/apps/${SEED.northwind.clientId}`);
    await expect(getAccessToken({ ...gone.ctx, resource: OUTLOOK }, microsoftRefresher, { forceRefresh: true })).rejects.toMatchObject({
      code: "app_not_found_in_tenant",
    });

    const sif = await mailboxWithSandboxGrant(sb, `bob@${SEED.fabrikam.domain}`, { tenant: SEED.fabrikam });
    await sb.admin("PATCH", `/admin/users/bob@${SEED.fabrikam.domain}`, { signInFrequencyDays: 1 });
    await sb.admin("POST", "/admin/clock", { advanceDays: 2 });
    try {
      await expect(getAccessToken({ ...sif.ctx, resource: OUTLOOK }, microsoftRefresher, { forceRefresh: true })).rejects.toMatchObject({
        kind: "permanent_grant",
        code: "sign_in_frequency",
      });
      expect(await db().mailbox.findUniqueOrThrow({ where: { id: sif.ctx.mailboxId }, select: { state: true, stateCode: true } })).toEqual({
        state: "needs_reconsent",
        stateCode: "sign_in_frequency",
      });
    } finally {
      await sb.admin("POST", "/admin/clock", { reset: true });
    }
  });
});
