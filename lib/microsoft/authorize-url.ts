// Microsoft sign-in URLs for user consent (authorization code + PKCE) and admin consent.
import type { TCloudHosts } from "./clouds";
import { adminConsentEndpoint, authorizeEndpoint } from "./endpoints";

export function buildAuthorizeUrl(p: {
  hosts: TCloudHosts;
  tenantSegment: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string;
  nonce: string;
  codeChallenge: string;
  prompt?: "select_account" | "consent" | "login" | "none";
  loginHint?: string;
  domainHint?: string;
  responseMode?: "query" | "form_post";
  authorizeEndpointOverride?: string | null;
}): string {
  const u = new URL(p.authorizeEndpointOverride ?? authorizeEndpoint(p.hosts, p.tenantSegment));
  const q = u.searchParams;
  q.set("client_id", p.clientId);
  q.set("response_type", "code");
  q.set("redirect_uri", p.redirectUri);
  q.set("response_mode", p.responseMode ?? "query");
  q.set("scope", p.scopes.join(" "));
  q.set("state", p.state);
  q.set("nonce", p.nonce);
  q.set("code_challenge", p.codeChallenge);
  q.set("code_challenge_method", "S256");
  // Microsoft: "You can't use both login_hint and select_account". With a hint, leaving prompt
  // out still lets the user pick another account and never forces a consent screen.
  if (p.prompt && !(p.prompt === "select_account" && p.loginHint)) q.set("prompt", p.prompt);
  if (p.loginHint) q.set("login_hint", p.loginHint);
  if (p.domainHint) q.set("domain_hint", p.domainHint);
  return u.toString();
}

export function buildAdminConsentUrl(p: {
  hosts: TCloudHosts;
  tenantSegment: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string;
}): string {
  const u = new URL(adminConsentEndpoint(p.hosts, p.tenantSegment));
  u.searchParams.set("client_id", p.clientId);
  u.searchParams.set("scope", p.scopes.join(" "));
  u.searchParams.set("redirect_uri", p.redirectUri);
  u.searchParams.set("state", p.state);
  return u.toString();
}
