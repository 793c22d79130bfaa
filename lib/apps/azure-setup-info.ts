import "server-only";
// What the app pages show for copying into Azure: redirect URI, v2 endpoints, permissions.
import { hostsFor } from "../microsoft/hosts-for";
import { redirectUri } from "../grants/load-app-for-consent";
import { adminConsentEndpoint, authorizeEndpoint, tokenEndpoint } from "../microsoft/endpoints";
import { azurePermissions, type TScopeProfile } from "../microsoft/scope-profiles";
import type { TCloud } from "../microsoft/clouds";

export function azureSetupInfo(cloud: TCloud, tenantSegment: string) {
  const hosts = hostsFor(cloud);
  const profiles: TScopeProfile[] = ["imap_smtp", "pop_smtp", "graph", "graph_app_only", "exchange_app_only"];
  return {
    redirectUri: redirectUri(),
    authorizeEndpoint: authorizeEndpoint(hosts, tenantSegment),
    tokenEndpoint: tokenEndpoint(hosts, tenantSegment),
    adminConsentEndpoint: adminConsentEndpoint(hosts, tenantSegment),
    permissions: Object.fromEntries(profiles.map((p) => [p, azurePermissions(p)])) as Record<
      TScopeProfile,
      ReturnType<typeof azurePermissions>
    >,
  };
}
export type TAzureSetupInfo = ReturnType<typeof azureSetupInfo>;
