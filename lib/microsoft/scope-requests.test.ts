// Every token request Consentry builds obeys Microsoft's scope rules, checked with the sandbox's own
// rule functions (sandbox/FIDELITY.md, "Identity platform"): one resource per code redemption or
// refresh (AADSTS28000), never `.default` beside named scopes (AADSTS70011), and client
// credentials always `{resource}/.default` (AADSTS1002012).
import { describe, expect, it } from "vitest";
import { tokenScopeFault, undefinedScope } from "../../sandbox/identity/scopes";
import { cloudHosts, type TCloud } from "./clouds";
import {
  adminConsentScopes,
  appOnlyScope,
  delegatedScopes,
  isAppOnlyProfile,
  scopesForResource,
  type TScopeProfile,
} from "./scope-profiles";

const SANDBOX = {
  loginUrl: "https://localhost:4010",
  graphUrl: "https://localhost:4011",
  imapHost: "localhost:4993",
  popHost: "localhost:4995",
  smtpHost: "localhost:4587",
};
const CLOUDS: TCloud[] = ["global", "usgov", "china", "sandbox"];
const PROFILES: TScopeProfile[] = ["imap_smtp", "pop_smtp", "graph", "graph_app_only", "exchange_app_only"];

describe("Consentry's token requests against Microsoft's scope rules", () => {
  for (const cloud of CLOUDS) {
    const hosts = cloudHosts(cloud, SANDBOX);
    for (const profile of PROFILES) {
      it(`${cloud} / ${profile}: code redemption, refresh and client credentials stay on one resource`, () => {
        // An app-only profile has no user sign-in: asking for its delegated scopes throws, never [].
        if (isAppOnlyProfile(profile)) expect(() => delegatedScopes(profile, hosts)).toThrow(/app-only/);
        const delegated = isAppOnlyProfile(profile) ? [] : delegatedScopes(profile, hosts);
        // redeemCode (lib/consent/ms-adapter.ts) sends the profile's delegated scopes.
        if (!isAppOnlyProfile(profile)) {
          expect(delegated.length).toBeGreaterThan(0);
          expect(tokenScopeFault("authorization_code", delegated.join(" "))).toBeNull();
        }
        // The refresher (lib/grants/microsoft-refresher.ts) sends scopesForResource of the grant's
        // resource, whatever the grant recorded: the qualified scopes, Graph's short echo, or nothing.
        for (const resource of [hosts.outlookResource, hosts.graphResource]) {
          const qualified = delegated.filter((s) => s.startsWith(`${resource}/`));
          const echoed = [...qualified.map((s) => s.slice(s.lastIndexOf("/") + 1)), "profile", "openid", "email"];
          for (const granted of [qualified, echoed, [], delegated]) {
            const scope = scopesForResource(resource, granted).join(" ");
            expect(tokenScopeFault("refresh_token", scope), `${resource} ${granted.join(" ")} -> ${scope}`).toBeNull();
          }
        }
        const app = appOnlyScope(profile, hosts);
        if (app) expect(tokenScopeFault("client_credentials", app)).toBeNull();
        // The admin-consent URL never mixes .default with named scopes, and names only published permissions.
        const admin = adminConsentScopes(profile, hosts).join(" ");
        expect(admin.includes("/.default") && admin.split(" ").some((s) => !s.endsWith("/.default"))).toBe(false);
        if (cloud === "global" || cloud === "sandbox") expect(undefinedScope(`${delegated.join(" ")} ${admin}`)).toBeNull();
      });
    }
    it(`${cloud}: verify-secret and confirm-admin-consent ask client credentials for {graph}/.default`, () => {
      expect(tokenScopeFault("client_credentials", `${hosts.graphResource}/.default`)).toBeNull();
    });
  }

  it("a grant that recorded Graph's short echo refreshes with qualified Graph scopes, without the OIDC scopes", () => {
    expect(scopesForResource("https://graph.microsoft.com", ["Mail.ReadWrite", "User.Read", "profile", "openid", "email"])).toEqual([
      "https://graph.microsoft.com/Mail.ReadWrite",
      "https://graph.microsoft.com/User.Read",
      "offline_access",
    ]);
  });
});
