// v2 endpoints derived from the cloud's login host and the tenant segment, and a detector for
// pasted legacy endpoints (v1, retired Outlook REST, Azure AD Graph).
import type { TCloudHosts } from "./clouds";

const seg = (t: string) => encodeURIComponent(t);

export const authorityUrl = (h: TCloudHosts, tenant: string) => `${h.loginUrl}/${seg(tenant)}`;
export const authorizeEndpoint = (h: TCloudHosts, tenant: string) => `${authorityUrl(h, tenant)}/oauth2/v2.0/authorize`;
export const tokenEndpoint = (h: TCloudHosts, tenant: string) => `${authorityUrl(h, tenant)}/oauth2/v2.0/token`;
export const adminConsentEndpoint = (h: TCloudHosts, tenant: string) => `${authorityUrl(h, tenant)}/v2.0/adminconsent`;
export const openIdConfigUrl = (h: TCloudHosts, tenant: string) => `${authorityUrl(h, tenant)}/v2.0/.well-known/openid-configuration`;
export const jwksUrl = (h: TCloudHosts, tenant: string) => `${authorityUrl(h, tenant)}/discovery/v2.0/keys`;
export const issuerFor = (h: TCloudHosts, tid: string) => `${h.loginUrl}/${tid}/v2.0`;

export type TLegacyFinding = {
  kind: "v1_endpoint" | "outlook_rest_retired" | "azure_ad_graph" | "login_windows_net";
  message: string;
  replacement: string | null;
};

export function detectLegacyEndpoint(raw: string): TLegacyFinding | null {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return null;
  }
  const host = u.hostname.toLowerCase();
  const path = u.pathname.toLowerCase();
  if (host === "outlook.office.com" || host === "outlook.office365.com") {
    if (/^\/api\/(v1\.0|v2\.0|beta)/.test(path)) {
      return {
        kind: "outlook_rest_retired",
        message:
          'The Outlook REST API (outlook.office.com/api/v2.0) is retired: calls fail with "API version v2 has been deprecated". Use Microsoft Graph instead.',
        replacement: `https://graph.microsoft.com/v1.0${path.replace(/^\/api\/(v1\.0|v2\.0|beta)/, "")}`,
      };
    }
  }
  if (host === "graph.windows.net")
    return {
      kind: "azure_ad_graph",
      message: "Azure AD Graph (graph.windows.net) is retired. Use Microsoft Graph.",
      replacement: "https://graph.microsoft.com/v1.0",
    };
  if (host === "login.windows.net" || host === "sts.windows.net") {
    return {
      kind: "login_windows_net",
      message: "login.windows.net is a legacy alias. Use login.microsoftonline.com with the v2 endpoints.",
      replacement: `https://login.microsoftonline.com${path.replace(/\/oauth2\/(authorize|token)$/, "/oauth2/v2.0/$1")}`,
    };
  }
  const m = path.match(/^\/([^/]+)\/oauth2\/(authorize|token)\/?$/);
  if (m) {
    return {
      kind: "v1_endpoint",
      message: `This is the v1 ${m[2]} endpoint. Consentry uses the Microsoft identity platform v2 endpoints (scopes instead of resource=).`,
      replacement: `${u.origin}/${m[1]}/oauth2/v2.0/${m[2]}`,
    };
  }
  return null;
}
