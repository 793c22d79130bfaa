// The OpenID Connect discovery documents: v2 at /{tenant}/v2.0/.well-known/openid-configuration,
// v1 at /{tenant}/.well-known/openid-configuration. Asked by domain, every endpoint names the
// tenant's GUID (sandbox/FIDELITY.md, "Identity platform").
import type { DirectoryTenant } from "../contracts";

type TDiscovery = { loginBase: string; graphHost: string; tenantSeg: string; tenant: DirectoryTenant | null };

const V2_CLAIMS = [
  "sub",
  "iss",
  "cloud_instance_name",
  "cloud_instance_host_name",
  "cloud_graph_host_name",
  "msgraph_host",
  "aud",
  "exp",
  "iat",
  "auth_time",
  "acr",
  "nonce",
  "preferred_username",
  "name",
  "tid",
  "ver",
  "at_hash",
  "c_hash",
  "email",
];
const V1_CLAIMS = [
  "sub",
  "iss",
  "cloud_instance_name",
  "cloud_instance_host_name",
  "cloud_graph_host_name",
  "msgraph_host",
  "aud",
  "exp",
  "iat",
  "auth_time",
  "acr",
  "amr",
  "nonce",
  "email",
  "given_name",
  "family_name",
  "nickname",
];

// A worldwide tenant's region scope; the /common documents carry null.
const regionOf = (t: DirectoryTenant | null) => (t ? "WW" : null);

const cloudFields = (p: TDiscovery) => ({
  tenant_region_scope: regionOf(p.tenant),
  cloud_instance_name: "microsoftonline.com",
  cloud_graph_host_name: "graph.windows.net",
  msgraph_host: p.graphHost,
  rbac_url: "https://pas.windows.net",
});

export function openIdConfigurationV2(p: TDiscovery) {
  const base = `${p.loginBase}/${p.tenant ? p.tenant.id : p.tenantSeg}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${p.loginBase}/${p.tenant ? p.tenant.id : "{tenantid}"}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `https://${p.graphHost}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: V2_CLAIMS,
    kerberos_endpoint: `${base}/kerberos`,
    ...cloudFields(p),
  };
}

export function openIdConfigurationV1(p: TDiscovery) {
  const base = `${p.loginBase}/${p.tenant ? p.tenant.id : p.tenantSeg}`;
  return {
    token_endpoint: `${base}/oauth2/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${p.loginBase}/common/discovery/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "token id_token", "token"],
    scopes_supported: ["openid"],
    issuer: `https://sts.windows.net/${p.tenant ? p.tenant.id : "{tenantid}"}/`,
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${base}/oauth2/authorize`,
    device_authorization_endpoint: `${base}/oauth2/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/logout`,
    claims_supported: V1_CLAIMS,
    check_session_iframe: `${base}/oauth2/checksession`,
    userinfo_endpoint: `${base}/openid/userinfo`,
    kerberos_endpoint: `${base}/kerberos`,
    ...cloudFields(p),
  };
}
