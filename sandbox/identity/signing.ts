// The RS256 key the sandbox signs every token with, made once and kept in <dataDir>, published
// as a JWKS. Access tokens follow Microsoft's v1 claim set; id_tokens the v2 one.
import { createHash, generateKeyPairSync, randomUUID, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import forge from "node-forge";
import { exportJWK, importPKCS8, importSPKI, jwtVerify, SignJWT, type CryptoKey, type JWK } from "jose";
import type { AccessTokenClaims } from "../contracts";

export type TSigner = { kid: string; jwks: { keys: JWK[] }; privateKey: CryptoKey; publicKey: CryptoKey };

/** A self-signed certificate for the signing key, as Entra publishes one per key (the JWKS `x5c`). */
function selfSignedCert(privateKeyPem: string, publicKeyPem: string): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = `0${createHash("sha256").update(publicKeyPem).digest("hex").slice(0, 30)}`;
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 5 * 365 * 86_400_000);
  const name = [{ name: "commonName", value: "accounts.accesscontrol.windows.net" }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.sign(forge.pki.privateKeyFromPem(privateKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

export async function loadOrCreateSigner(dataDir: string): Promise<TSigner> {
  const file = path.join(dataDir, "signing-key.json");
  let pem: { privateKey: string; publicKey: string; cert?: string };
  if (existsSync(file)) pem = JSON.parse(readFileSync(file, "utf8"));
  else {
    const k = generateKeyPairSync("rsa", { modulusLength: 2048 });
    pem = {
      privateKey: k.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      publicKey: k.publicKey.export({ type: "spki", format: "pem" }).toString(),
    };
  }
  if (!pem.cert) {
    pem.cert = selfSignedCert(pem.privateKey, pem.publicKey);
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(pem), { mode: 0o600 });
  }
  const privateKey = await importPKCS8(pem.privateKey, "RS256", { extractable: false });
  const publicKey = await importSPKI(pem.publicKey, "RS256", { extractable: true });
  const der = new X509Certificate(pem.cert).raw;
  // Entra's kid is the certificate's x5t: base64url of its SHA-1 thumbprint.
  const kid = createHash("sha1").update(der).digest("base64url");
  const jwk = await exportJWK(publicKey);
  return {
    kid,
    privateKey,
    publicKey,
    jwks: { keys: [{ kty: "RSA", use: "sig", kid, x5t: kid, n: jwk.n, e: jwk.e, x5c: [der.toString("base64")] }] },
  };
}

/** The JWKS as served: v2 keys carry the issuer template, {tenantid} for common or the tenant's GUID. */
export function jwksFor(s: TSigner, issuer: string): { keys: JWK[] } {
  return { keys: s.jwks.keys.map((k) => ({ ...k, issuer })) };
}

export async function signAccessToken(
  s: TSigner,
  c: Omit<AccessTokenClaims, "iat" | "nbf" | "exp" | "iss"> & { lifetimeSeconds: number },
  now: Date,
): Promise<string> {
  const { lifetimeSeconds, ...claims } = c;
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({
    ...claims,
    ver: "1.0",
    uti: randomUUID().replace(/-/g, "").slice(0, 22),
    iss: `https://sts.windows.net/${claims.tid}/`,
  })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: s.kid, x5t: s.kid })
    .setIssuedAt(iat)
    .setNotBefore(iat - 300)
    .setExpirationTime(iat + lifetimeSeconds)
    .sign(s.privateKey);
}

export async function signIdToken(
  s: TSigner,
  p: { issuer: string; clientId: string; tid: string; oid: string; upn: string; email?: string; name: string; nonce?: string },
  now: Date,
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({
    tid: p.tid,
    oid: p.oid,
    preferred_username: p.upn,
    name: p.name,
    // The user's primary SMTP address (Entra's `mail`), which need not be the UPN.
    email: p.email ?? p.upn,
    ...(p.nonce ? { nonce: p.nonce } : {}),
    ver: "2.0",
  })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: s.kid })
    .setIssuer(p.issuer)
    .setAudience(p.clientId)
    .setSubject(createHash("sha256").update(`${p.oid}:${p.clientId}`).digest("base64url").slice(0, 43))
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + 3600)
    .sign(s.privateKey);
}

export async function verifyToken(s: TSigner, token: string, now: Date) {
  return jwtVerify(token, s.publicKey, { algorithms: ["RS256"], currentDate: now });
}

export { X509Certificate };
