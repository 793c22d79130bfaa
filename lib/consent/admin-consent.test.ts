// Finding 7 (issue 9), through the real sandbox: organization consent is recorded only when
// Microsoft confirms it server-side (a client_credentials token in the tenant on file), never
// from the callback's query string alone, and the callback never writes a tenant's directory ID.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { sealValue } from "../crypto";
import { startTestSandbox } from "../../testing/start-test-sandbox";
import { SEED, SEED_PASSWORD } from "../../sandbox/directory/seed";
import { useSandboxCloud, type TTestSandbox } from "../../testing/sandbox-grant";
import { startAdminConsent } from "./start-consent";
import { handleCallback } from "./handle-callback";
import { getConsentResult } from "./get-result";
import { catalogEntry } from "../diagnostics/catalog";
import { getOrgConsent, listOrgConsentsOfTenant } from "./org-consent";

let sb: TTestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
  useSandboxCloud(sb);
});
afterAll(() => sb?.stop());

/** A workspace with one customer tenant and the MSP's multi-tenant app (consented nowhere but the MSP's tenant). */
async function tenantWithMspApp(t: { directoryId: string | null; primaryDomain: string | null }) {
  const ws = await db().workspace.create({ data: { name: "Admin consent", slug: `ac-${randomUUID()}` } });
  const tenant = await db().tenant.create({
    data: { workspaceId: ws.id, displayName: "Customer", directoryId: t.directoryId, primaryDomain: t.primaryDomain, cloud: "sandbox" },
  });
  const app = await db().appRegistration.create({
    data: {
      workspaceId: ws.id,
      tenantId: null,
      displayName: "MSP app",
      clientId: SEED.mspApp.clientId,
      secrets: {
        create: {
          ...((id) => ({
            id,
            workspaceId: ws.id,
            sealedValue: sealValue(SEED.mspApp.secret, "client_secret", { workspaceId: ws.id, rowId: id }),
          }))(randomUUID()),
          last4: SEED.mspApp.secret.slice(-4),
          expiresAt: new Date(Date.now() + 86_400_000 * 300),
          status: "active",
        },
      },
    },
  });
  const staffUserId = randomUUID();
  const start = () => startAdminConsent({ workspaceId: ws.id, tenantId: tenant.id, appRegistrationId: app.id, staffUserId });
  const callback = (state: string, query: Record<string, string>) =>
    handleCallback({ query: { ...query, state }, cookieState: state, staffUserId });
  // What Consentry recorded: the tenant's directory ID, and this app's organization consent.
  const read = async () => {
    const t = await db().tenant.findUniqueOrThrow({ where: { id: tenant.id }, select: { directoryId: true } });
    const c = await getOrgConsent({ workspaceId: ws.id, tenantId: tenant.id, appRegistrationId: app.id });
    return { directoryId: t.directoryId, adminConsentAt: c?.consentedAt ?? null, adminConsentTenantId: c?.directoryId ?? null };
  };
  return { workspaceId: ws.id, tenantId: tenant.id, appId: app.id, start, callback, read };
}

/** An administrator on the sandbox's admin-consent page: signs in and accepts. Returns the callback's query. */
async function grantOnMicrosoft(url: string, upn: string): Promise<Record<string, string>> {
  const flowOf = (html: string) => /name="flow" value="([^"]+)"/.exec(html)?.[1] ?? "";
  let html = await (await fetch(url, { redirect: "manual" })).text();
  let r = await fetch(`${sb.urls.identity}/_sandbox/login`, {
    method: "POST",
    redirect: "manual",
    body: new URLSearchParams({ flow: flowOf(html), loginfmt: upn, passwd: SEED_PASSWORD }),
  });
  if (r.status !== 302) {
    html = await r.text();
    r = await fetch(`${sb.urls.identity}/_sandbox/consent`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ flow: flowOf(html), action: "accept" }),
    });
  }
  expect(r.status).toBe(302);
  return Object.fromEntries(new URL(r.headers.get("location")!).searchParams);
}

async function expectRefused(state: string, code: string) {
  const result = await getConsentResult(state);
  expect(result).toMatchObject({ kind: "admin", status: "failed", resultCode: code });
  // The result page shows the catalogued diagnosis: its title, cause and fix.
  expect(result!.detail).toMatchObject({
    title: expect.any(String),
    cause: expect.any(String),
    fixSteps: expect.arrayContaining([expect.any(String)]),
  });
  return result!;
}

describe("organization consent is confirmed with Microsoft before it is recorded", { timeout: 60_000 }, () => {
  it("a forged admin_consent=True for the right tenant, where nobody consented, is refused (AADSTS700016)", async () => {
    const t = await tenantWithMspApp({ directoryId: SEED.contoso.id, primaryDomain: SEED.contoso.domain });
    const { state } = await t.start();
    await t.callback(state, { admin_consent: "True", tenant: SEED.contoso.id, scope: "https://graph.microsoft.com/.default" });
    const r = await expectRefused(state, "app_not_found_in_tenant");
    expect(r.detail.title).toBe(catalogEntry("app_not_found_in_tenant").title);
    expect(await t.read()).toEqual({ directoryId: SEED.contoso.id, adminConsentAt: null, adminConsentTenantId: null });
  });

  it("a forged tenant (another directory where the app does exist) is refused as the wrong tenant", async () => {
    const t = await tenantWithMspApp({ directoryId: SEED.fabrikam.id, primaryDomain: SEED.fabrikam.domain });
    const { state } = await t.start();
    await t.callback(state, { admin_consent: "True", tenant: SEED.msp.id });
    const r = await expectRefused(state, "admin_consent_wrong_tenant");
    expect(r.detail.title).toBe(catalogEntry("admin_consent_wrong_tenant").title);
    expect(await t.read()).toEqual({ directoryId: SEED.fabrikam.id, adminConsentAt: null, adminConsentTenantId: null });
  });

  it("a tenant that isn't a directory ID is refused, and never becomes the tenant's directory ID", async () => {
    for (const forged of ["evil.example", "", "organizations", `${SEED.msp.id}x`]) {
      const t = await tenantWithMspApp({ directoryId: null, primaryDomain: null });
      const { state } = await t.start();
      await t.callback(state, { admin_consent: "True", ...(forged ? { tenant: forged } : {}) });
      await expectRefused(state, "admin_consent_unconfirmed");
      expect(await t.read()).toEqual({ directoryId: null, adminConsentAt: null, adminConsentTenantId: null });
    }
    // Unknown directory ID, known domain: the expected directory comes from Microsoft's discovery, not the callback.
    const t = await tenantWithMspApp({ directoryId: null, primaryDomain: SEED.northwind.domain });
    const { state } = await t.start();
    await t.callback(state, { admin_consent: "True", tenant: SEED.msp.id });
    await expectRefused(state, "admin_consent_wrong_tenant");
    expect(await t.read()).toEqual({ directoryId: null, adminConsentAt: null, adminConsentTenantId: null });
  });

  it("a real organization consent on Microsoft's page is confirmed and recorded", async () => {
    const t = await tenantWithMspApp({ directoryId: SEED.contoso.id, primaryDomain: SEED.contoso.domain });
    const { url, state } = await t.start();
    const query = await grantOnMicrosoft(url, `admin@${SEED.contoso.domain}`);
    expect(query).toMatchObject({ admin_consent: "True", tenant: SEED.contoso.id });
    await t.callback(state, query);
    expect(await getConsentResult(state)).toMatchObject({ kind: "admin", status: "completed", resultCode: "admin_consent_granted" });
    expect(await t.read()).toMatchObject({
      directoryId: SEED.contoso.id,
      adminConsentAt: expect.any(Date),
      adminConsentTenantId: SEED.contoso.id,
    });

    // A domain-only tenant confirms too (directory resolved by discovery), and its directory ID stays unset.
    const d = await tenantWithMspApp({ directoryId: null, primaryDomain: SEED.contoso.domain });
    const started = await d.start();
    await d.callback(started.state, await grantOnMicrosoft(started.url, `admin@${SEED.contoso.domain}`));
    expect(await getConsentResult(started.state)).toMatchObject({ status: "completed", resultCode: "admin_consent_granted" });
    expect(await d.read()).toMatchObject({ directoryId: null, adminConsentTenantId: SEED.contoso.id });
  });

  it("consent is kept per app: consenting app A doesn't show app B as granted; the record says how it was verified", async () => {
    const t = await tenantWithMspApp({ directoryId: SEED.contoso.id, primaryDomain: SEED.contoso.domain });
    // App B: the customer's own registration, in the same tenant, never consented for the organization.
    const b = await db().appRegistration.create({
      data: { workspaceId: t.workspaceId, tenantId: t.tenantId, displayName: "Customer app", clientId: SEED.contoso.clientId },
    });
    const { url, state } = await t.start();
    await t.callback(state, await grantOnMicrosoft(url, `admin@${SEED.contoso.domain}`));
    const a = await getOrgConsent({ workspaceId: t.workspaceId, tenantId: t.tenantId, appRegistrationId: t.appId });
    expect(a).toMatchObject({
      verifiedBy: "client_credentials",
      directoryId: SEED.contoso.id,
      adminUpn: null, // the /adminconsent redirect doesn't name the admin
      adminOid: null,
      scopes: expect.any(Array),
    });
    expect(await getOrgConsent({ workspaceId: t.workspaceId, tenantId: t.tenantId, appRegistrationId: b.id })).toBeNull();
    expect((await listOrgConsentsOfTenant({ workspaceId: t.workspaceId, tenantId: t.tenantId })).map((c) => c.appName)).toEqual([
      "MSP app",
    ]);
    // Another workspace's ids find nothing.
    expect(await getOrgConsent({ workspaceId: randomUUID(), tenantId: t.tenantId, appRegistrationId: t.appId })).toBeNull();
  });
});
