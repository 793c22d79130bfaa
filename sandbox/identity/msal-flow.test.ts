// Microsoft's own client library, unmodified, against the running sandbox: authorization code
// through the sandbox's sign-in and consent pages in Chromium, then a silent refresh, then
// client credentials.
import { ConfidentialClientApplication } from "@azure/msal-node";
import type { Browser } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox } from "../../testing/start-test-sandbox";
import { launchBrowserFor } from "../../testing/sandbox-browser";
import { SEED, SEED_PASSWORD } from "../directory/seed";

const REDIRECT = "http://127.0.0.1:3100/api/oauth/callback";
let sb: Awaited<ReturnType<typeof startTestSandbox>>;
let browser: Browser;

beforeAll(async () => {
  sb = await startTestSandbox();
  browser = await launchBrowserFor(sb.ctx.tls.cert);
});
afterAll(async () => {
  await browser?.close();
  await sb?.stop();
});

const msal = (clientId: string = SEED.contoso.clientId, clientSecret: string = SEED.contoso.secret, tenant: string = SEED.contoso.id) =>
  new ConfidentialClientApplication({
    auth: { clientId, clientSecret, authority: `${sb.urls.identity}/${tenant}`, knownAuthorities: [`localhost:${sb.ports.identity}`] },
  });

/** Drives the sandbox's pages and returns the redirect the app would receive. */
async function signIn(url: string, upn: string, opts: { acceptConsent?: boolean; orgConsent?: boolean } = {}) {
  const page = await browser.newPage();
  let landed = "";
  await page.route("http://127.0.0.1:3100/**", (route) => {
    landed = route.request().url();
    return route.fulfill({ status: 200, body: "ok" });
  });
  await page.goto(url);
  await page.locator("#loginfmt").fill(upn);
  await page.locator("#passwd").fill(SEED_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (!landed && (await page.getByText("Permissions requested").count())) {
    if (opts.orgConsent) await page.locator("#consent_org").check();
    await page.getByRole("button", { name: opts.acceptConsent === false ? "Cancel" : "Accept" }).click();
  }
  await page.waitForURL(/127\.0\.0\.1:3100/, { timeout: 2_500 }).catch(() => undefined);
  // Playwright routes the first request of a navigation only, not the target of a 302: read the URL.
  if (!landed && /^http:\/\/127\.0\.0\.1:3100\//.test(page.url())) landed = page.url();
  const title = await page.title();
  const text = await page.textContent("body");
  await page.close();
  return { landed: landed ? new URL(landed) : null, title, text: text ?? "" };
}

describe("@azure/msal-node against the sandbox", () => {
  it("authorization code (pages in Chromium), silent refresh, and client credentials", async () => {
    const app = msal();
    const scopes = ["https://outlook.office.com/IMAP.AccessAsUser.All", "https://outlook.office.com/SMTP.Send"];
    const url = await app.getAuthCodeUrl({ scopes, redirectUri: REDIRECT, loginHint: `helpdesk@${SEED.contoso.domain}`, state: "st-1" });
    const r = await signIn(url, `helpdesk@${SEED.contoso.domain}`);
    expect(r.landed?.searchParams.get("state")).toBe("st-1");
    const code = r.landed!.searchParams.get("code")!;
    const result = await app.acquireTokenByCode({ code, scopes, redirectUri: REDIRECT });
    expect(result.account?.username).toBe(`helpdesk@${SEED.contoso.domain}`);
    expect(result.account?.tenantId).toBe(SEED.contoso.id);
    const check = await sb.ctx.verifyAccessToken(result.accessToken);
    expect(check.ok && check.claims.aud).toBe("https://outlook.office.com");
    expect(check.ok && check.claims.scp).toBe("IMAP.AccessAsUser.All SMTP.Send");

    const silent = await app.acquireTokenSilent({ account: result.account!, scopes, forceRefresh: true });
    expect(silent.accessToken).not.toBe(result.accessToken);
    expect(silent.fromCache).toBe(false);

    // The same code can't be redeemed twice.
    await expect(app.acquireTokenByCode({ code, scopes, redirectUri: REDIRECT })).rejects.toMatchObject({ errorCode: "invalid_grant" });

    const cc = await app.acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] });
    expect(cc?.accessToken).toBeTruthy();
    const ccCheck = await sb.ctx.verifyAccessToken(cc!.accessToken);
    expect(ccCheck.ok && ccCheck.claims.aud).toBe("https://graph.microsoft.com");
    expect(ccCheck.ok && ccCheck.claims.scp).toBeUndefined();
  });

  it("a declined consent comes back as access_denied / AADSTS65004", async () => {
    const url = await msal().getAuthCodeUrl({
      scopes: ["https://graph.microsoft.com/Mail.Read"],
      redirectUri: REDIRECT,
      state: "st-2",
      prompt: "consent",
    });
    const r = await signIn(url, `bob@${SEED.contoso.domain}`, { acceptConsent: false });
    expect(r.landed?.searchParams.get("error")).toBe("access_denied");
    expect(r.landed?.searchParams.get("error_description")).toMatch(/^AADSTS65004: User declined to consent to access the app\./);
  });

  it("an admin consents for the organization; afterwards users get no consent prompt", async () => {
    const app = msal(SEED.fabrikam.clientId, SEED.fabrikam.secret, SEED.fabrikam.id);
    const scopes = ["https://graph.microsoft.com/Mail.ReadWrite"];
    const adminUrl = await app.getAuthCodeUrl({ scopes, redirectUri: REDIRECT, prompt: "consent" });
    const a = await signIn(adminUrl, `admin@${SEED.fabrikam.domain}`, { orgConsent: true });
    expect(a.landed?.searchParams.get("code")).toBeTruthy();
    const userUrl = await app.getAuthCodeUrl({ scopes, redirectUri: REDIRECT, loginHint: `bob@${SEED.fabrikam.domain}` });
    const u = await signIn(userUrl, `bob@${SEED.fabrikam.domain}`);
    expect(u.landed?.searchParams.get("code")).toBeTruthy();
  });

  it('a non-admin in a tenant where users may not consent sees "Need admin approval" (AADSTS90094)', async () => {
    const url = await msal(SEED.northwind.clientId, SEED.northwind.secret, SEED.northwind.id).getAuthCodeUrl({
      scopes: ["https://outlook.office.com/IMAP.AccessAsUser.All"],
      redirectUri: REDIRECT,
    });
    const r = await signIn(url, `bob@${SEED.northwind.domain}`);
    expect(r.landed).toBeNull();
    expect(r.title).toBe("Need admin approval");
    expect(r.text).toContain("AADSTS90094: The grant requires admin permission.");
  });

  it("an unregistered redirect URI is refused on the error page, never redirected (AADSTS50011)", async () => {
    const page = await browser.newPage();
    await page.goto(
      `${sb.urls.identity}/${SEED.contoso.id}/oauth2/v2.0/authorize?client_id=${SEED.contoso.clientId}&response_type=code&redirect_uri=${encodeURIComponent("https://evil.example.com/cb")}&scope=openid`,
    );
    await expect.poll(() => page.textContent("body")).toContain("Sorry, but we're having trouble signing you in.");
    expect(await page.textContent("[data-testid=aad-error]")).toMatch(
      /Request Id: .*\nCorrelation Id: .*\nTimestamp: .*\nMessage: AADSTS50011: The redirect URI 'https:\/\/evil\.example\.com\/cb' specified in the request does not match/s,
    );
    await page.close();
  });
});
