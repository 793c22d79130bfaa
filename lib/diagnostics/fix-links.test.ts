// The fix links: each catalog code that has a place to go gets the right blade, for the tenant's
// cloud, with the tenant's directory id (and the app's client id) in the URL.
import { describe, expect, it } from "vitest";
import { CATALOG } from "./catalog";
import { FIX_PLACES, fixLinks } from "./fix-links";

const tid = "11111111-2222-3333-4444-555555555555";
const clientId = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
const oid = "99999999-8888-7777-6666-555555555555";
const ctx = { cloud: "global" as const, directoryId: tid, domain: "contoso.onmicrosoft.com", clientId, userObjectId: oid };

describe("fix links", () => {
  it("keys only codes the catalog knows", () => {
    const codes = new Set(CATALOG.map((e) => e.code as string));
    for (const code of Object.keys(FIX_PLACES)) expect(codes.has(code), code).toBe(true);
  });

  it("sends a redirect URI mismatch to the app registration's Authentication blade, in the tenant's directory", () => {
    expect(fixLinks("redirect_uri_mismatch", ctx)).toEqual([
      {
        place: "app_authentication",
        label: expect.stringContaining("Authentication"),
        url: `https://entra.microsoft.com/${tid}/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Authentication/appId/${clientId}/isMSAApp~/false`,
      },
    ]);
  });

  it("sends missing consent to API permissions and secrets problems to Certificates & secrets", () => {
    expect(fixLinks("consent_missing", ctx)[0].url).toBe(
      `https://entra.microsoft.com/${tid}/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/CallAnAPI/appId/${clientId}/isMSAApp~/false`,
    );
    expect(fixLinks("secret_expired", ctx)[0].url).toBe(
      `https://entra.microsoft.com/${tid}/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Credentials/appId/${clientId}/isMSAApp~/false`,
    );
  });

  it("sends policy blocks to Conditional Access and the sign-in logs, and revocations to the user", () => {
    expect(fixLinks("conditional_access_blocked", ctx).map((l) => l.url)).toEqual([
      `https://entra.microsoft.com/${tid}/#view/Microsoft_AAD_ConditionalAccess/ConditionalAccessBlade/~/Policies`,
      `https://entra.microsoft.com/${tid}/#view/Microsoft_AAD_IAM/SignInEventsV3Blade`,
    ]);
    expect(fixLinks("refresh_token_revoked", ctx)[0].url).toBe(
      `https://entra.microsoft.com/${tid}/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/${oid}`,
    );
    // Without a known user, the user link is left out rather than pointing nowhere.
    expect(fixLinks("refresh_token_revoked", { ...ctx, userObjectId: null }).map((l) => l.place)).toEqual(["sign_in_logs"]);
  });

  it("sends mailbox problems to the Exchange admin center of the customer's organization", () => {
    expect(fixLinks("smtp_auth_disabled", ctx)[0].url).toBe(
      "https://admin.exchange.microsoft.com/?delegatedOrg=contoso.onmicrosoft.com#/mailboxes",
    );
    expect(fixLinks("mailbox_unlicensed_or_imap_disabled", { ...ctx, domain: null })[0].url).toBe(
      `https://admin.exchange.microsoft.com/?delegatedOrg=${tid}#/mailboxes`,
    );
    expect(fixLinks("message_too_large", ctx)[0].url).toBe(
      "https://admin.exchange.microsoft.com/?delegatedOrg=contoso.onmicrosoft.com#/transportrules",
    );
  });

  it("uses each cloud's own hosts", () => {
    const gov = { ...ctx, cloud: "usgov" as const };
    expect(fixLinks("redirect_uri_mismatch", gov)[0].url).toMatch(new RegExp(`^https://entra\\.microsoft\\.us/${tid}/#view/`));
    expect(fixLinks("smtp_auth_disabled", gov)[0].url).toMatch(/^https:\/\/admin\.exchange\.office365\.us\/\?delegatedOrg=/);
    expect(fixLinks("smtp_auth_disabled", { ...gov, usgovDod: true })[0].url).toMatch(/^https:\/\/admin\.exchange\.apps\.mil\//);
    const cn = { ...ctx, cloud: "china" as const };
    expect(fixLinks("mfa_required", cn)[0].url).toMatch(new RegExp(`^https://entra\\.microsoft\\.cn/${tid}/#view/`));
    // No verified Exchange admin center host for 21Vianet: no link rather than a guessed one.
    expect(fixLinks("smtp_auth_disabled", cn)).toEqual([]);
  });

  it("builds nothing without the tenant's directory id, for unknown codes, or for app blades without a client id", () => {
    expect(fixLinks("redirect_uri_mismatch", { ...ctx, directoryId: null })).toEqual([]);
    expect(fixLinks("network_error", ctx)).toEqual([]);
    expect(fixLinks(null, ctx)).toEqual([]);
    expect(fixLinks("redirect_uri_mismatch", { ...ctx, clientId: null })).toEqual([]);
  });

  it("encodes what it puts in a URL", () => {
    expect(fixLinks("smtp_auth_disabled", { ...ctx, domain: "a&b=c#d" })[0].url).toContain("delegatedOrg=a%26b%3Dc%23d#/mailboxes");
  });
});
