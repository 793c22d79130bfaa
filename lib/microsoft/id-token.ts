// id_token validation: signature from the cloud's JWKS, issuer for the token's own tenant,
// audience = our client id, nonce from our request, and (when known) the expected tenant.
import { createRemoteJWKSet, decodeJwt, jwtVerify, errors } from "jose";

export type TIdTokenIdentity = { oid: string; tid: string; upn: string; name: string | null };
type TReason = "signature" | "issuer" | "audience" | "nonce" | "expired" | "tenant" | "malformed";

const jwksCache = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

export async function verifyIdToken(
  idToken: string,
  p: { jwksUrl: string; issuer: (tid: string) => string; clientId: string; nonce: string; expectedTid?: string; clockSkewSeconds?: number },
): Promise<{ ok: true; identity: TIdTokenIdentity } | { ok: false; reason: TReason; message: string }> {
  let tid: string;
  try {
    tid = String(decodeJwt(idToken).tid ?? "");
  } catch {
    return { ok: false, reason: "malformed", message: "The id_token is not a JWT." };
  }
  if (!tid) return { ok: false, reason: "malformed", message: "The id_token has no tenant (tid)." };
  if (p.expectedTid && tid.toLowerCase() !== p.expectedTid.toLowerCase())
    return { ok: false, reason: "tenant", message: `Signed in to tenant ${tid}, expected ${p.expectedTid}.` };
  let jwks = jwksCache.get(p.jwksUrl);
  if (!jwks) jwksCache.set(p.jwksUrl, (jwks = createRemoteJWKSet(new URL(p.jwksUrl))));
  try {
    const { payload } = await jwtVerify(idToken, jwks, {
      algorithms: ["RS256"],
      issuer: p.issuer(tid),
      audience: p.clientId,
      clockTolerance: p.clockSkewSeconds ?? 300,
    });
    if (payload.nonce !== p.nonce) return { ok: false, reason: "nonce", message: "The id_token's nonce doesn't match this sign-in." };
    const upn = String(payload.preferred_username ?? payload.upn ?? payload.email ?? "").toLowerCase();
    const oid = String(payload.oid ?? payload.sub ?? "");
    if (!upn || !oid) return { ok: false, reason: "malformed", message: "The id_token names no user." };
    return { ok: true, identity: { oid, tid, upn, name: payload.name ? String(payload.name) : null } };
  } catch (err) {
    if (err instanceof errors.JWTExpired) return { ok: false, reason: "expired", message: "The id_token has expired." };
    if (err instanceof errors.JWTClaimValidationFailed)
      return { ok: false, reason: err.claim === "aud" ? "audience" : err.claim === "iss" ? "issuer" : "malformed", message: err.message };
    return { ok: false, reason: "signature", message: "The id_token's signature doesn't verify against the cloud's keys." };
  }
}
