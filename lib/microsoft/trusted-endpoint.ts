// Which URLs count as a Microsoft sign-in endpoint. Pure (no env), so forms and the browser use it
// too; the server's one decision for a cloud is lib/clouds/trusted-endpoint.ts, which supplies the
// cloud's login origins (the sandbox's only while it is enabled).
import { cloudHosts } from "./clouds";

/** authority: `https://host/<tenant>`; token: `…/<tenant>/oauth2/v2.0/token`; signin: the authorize or admin-consent page. */
export type TEndpointKind = "authority" | "token" | "signin";
export type TEndpointCheck = { ok: true; url: URL } | { ok: false; reason: string };

// A tenant segment: a GUID, a domain, or common/organizations/consumers.
const SEG = "[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?";
const PATHS: Record<TEndpointKind, RegExp> = {
  authority: new RegExp(`^/${SEG}/?$`),
  token: new RegExp(`^/${SEG}/oauth2/v2\\.0/token$`),
  signin: new RegExp(`^/${SEG}/(?:oauth2/v2\\.0/authorize|v2\\.0/adminconsent)$`),
};
const SHAPES: Record<TEndpointKind, string> = {
  authority: "https://<login host>/<tenant>",
  token: "https://<login host>/<tenant>/oauth2/v2.0/token",
  signin: "https://<login host>/<tenant>/oauth2/v2.0/authorize",
};

/** The login origins of the three Microsoft clouds (the sandbox's come from configuration). */
export const MICROSOFT_LOGIN_ORIGINS: readonly string[] = (["global", "usgov", "china"] as const).map(
  (c) => new URL(cloudHosts(c).loginUrl).origin,
);

/** Scheme, userinfo and path shape only: what a form can check without knowing the tenant's cloud. */
export function checkEndpointShape(raw: string, kind: TEndpointKind): TEndpointCheck {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return { ok: false, reason: "Enter a full https:// URL." };
  }
  if (u.protocol !== "https:") return { ok: false, reason: "Only https:// URLs are accepted." };
  if (u.username || u.password) return { ok: false, reason: "The URL must not contain a user name or password." };
  if (kind !== "signin" && (u.search || u.hash || raw.includes("?") || raw.includes("#")))
    return { ok: false, reason: "The URL must not have a query or fragment." };
  if (!PATHS[kind].test(u.pathname)) return { ok: false, reason: `The URL must look like ${SHAPES[kind]}.` };
  return { ok: true, url: u };
}

/**
 * Whether `raw` is a Microsoft endpoint of the given kind on one of `loginOrigins` (exact scheme,
 * host and port: a lookalike such as login.microsoftonline.com.evil.test, another port or a
 * trailing dot is refused).
 */
export function checkMicrosoftEndpoint(raw: string, kind: TEndpointKind, loginOrigins: readonly string[]): TEndpointCheck {
  const shape = checkEndpointShape(raw, kind);
  if (!shape.ok) return shape;
  const allowed = new Set(loginOrigins.map((o) => new URL(o).origin));
  if (!allowed.has(shape.url.origin)) {
    const hosts = [...allowed].map((o) => new URL(o).host).join(", ");
    return {
      ok: false,
      reason: hosts
        ? `The host must be this cloud's Microsoft sign-in host (${hosts}).`
        : "This cloud has no sign-in host Consentry may call.",
    };
  }
  return shape;
}

/** In the browser: follow a server-provided sign-in URL only to Microsoft's hosts or a loopback sandbox. */
export function isNavigableSignInUrl(raw: string): boolean {
  const c = checkEndpointShape(raw, "signin");
  if (!c.ok) return false;
  // The sandbox only ever runs on this machine (its CA is name-constrained to loopback).
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(c.url.hostname);
  return loopback || MICROSOFT_LOGIN_ORIGINS.includes(c.url.origin);
}
