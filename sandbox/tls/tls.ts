// A local CA and a localhost server certificate, made once and kept under <dir>/tls. Consentry
// and the tests trust the CA (NODE_EXTRA_CA_CERTS); nothing ever turns verification off.
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import forge from "node-forge";
import type { TlsMaterial } from "../contracts";

function forgeKeys() {
  const k = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privateKey: forge.pki.privateKeyFromPem(k.privateKey.export({ type: "pkcs1", format: "pem" }).toString()),
    publicKey: forge.pki.publicKeyFromPem(k.publicKey.export({ type: "spki", format: "pem" }).toString()),
  };
}

const NAME_CONSTRAINTS_OID = "2.5.29.30";

/**
 * RFC 5280 name constraints: the CA may vouch only for localhost, 127.0.0.1 and ::1, so a machine
 * that trusts it (NODE_EXTRA_CA_CERTS) still can't be fooled about any real host.
 */
export function loopbackNameConstraints() {
  const { asn1 } = forge;
  const ctx = (tag: number, value: string) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, false, value);
  const subtree = (generalName: forge.asn1.Asn1) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [generalName]);
  const ip = (bytes: number[]) => String.fromCharCode(...bytes);
  const permitted = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
    subtree(ctx(2, "localhost")),
    subtree(ctx(7, ip([127, 0, 0, 1, 255, 255, 255, 255]))),
    subtree(ctx(7, ip([...Array(15).fill(0), 1, ...Array(16).fill(255)]))),
  ]);
  return { id: NAME_CONSTRAINTS_OID, critical: true, value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [permitted]) };
}

function hasNameConstraints(cert: forge.pki.Certificate) {
  return cert.extensions.some((e: { id?: string }) => e.id === NAME_CONSTRAINTS_OID);
}

function ensureCa(caDir: string) {
  const certPath = path.join(caDir, "ca.pem");
  const keyPath = path.join(caDir, "ca-key.pem");
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = forge.pki.certificateFromPem(readFileSync(certPath, "utf8"));
    // A CA made before name constraints is replaced (and with it every certificate it signed).
    if (hasNameConstraints(cert))
      return { cert, key: forge.pki.privateKeyFromPem(readFileSync(keyPath, "utf8")), pem: readFileSync(certPath, "utf8") };
  }
  mkdirSync(caDir, { recursive: true });
  const keys = forgeKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = Date.now().toString(16);
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 5 * 365 * 86_400_000);
  const name = [{ name: "commonName", value: "Consentry Microsoft 365 Sandbox CA" }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    loopbackNameConstraints(),
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const pem = forge.pki.certificateToPem(cert);
  writeFileSync(certPath, pem);
  writeFileSync(keyPath, forge.pki.privateKeyToPem(keys.privateKey), { mode: 0o600 });
  return { cert, key: keys.privateKey, pem };
}

function signedBy(ca: forge.pki.Certificate, pem: string) {
  try {
    return ca.verify(forge.pki.certificateFromPem(pem));
  } catch {
    return false;
  }
}

/** caDir lets several test sandboxes share one trusted CA; by default it lives in tlsDir. */
export function loadOrCreateTls(tlsDir: string, caDir = tlsDir): TlsMaterial & { caPath: string } {
  const ca = ensureCa(caDir);
  const certPath = path.join(tlsDir, "server.pem");
  const keyPath = path.join(tlsDir, "server-key.pem");
  if (!existsSync(certPath) || !existsSync(keyPath) || !signedBy(ca.cert, readFileSync(certPath, "utf8"))) {
    mkdirSync(tlsDir, { recursive: true });
    const keys = forgeKeys();
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = (Date.now() + 1).toString(16);
    cert.validity.notBefore = new Date(Date.now() - 86_400_000);
    cert.validity.notAfter = new Date(Date.now() + 2 * 365 * 86_400_000);
    cert.setSubject([{ name: "commonName", value: "localhost" }]);
    cert.setIssuer(ca.cert.subject.attributes);
    cert.setExtensions([
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
      { name: "extKeyUsage", serverAuth: true },
    ]);
    cert.sign(ca.key, forge.md.sha256.create());
    writeFileSync(certPath, forge.pki.certificateToPem(cert));
    writeFileSync(keyPath, forge.pki.privateKeyToPem(keys.privateKey), { mode: 0o600 });
  }
  return { key: readFileSync(keyPath, "utf8"), cert: readFileSync(certPath, "utf8"), ca: ca.pem, caPath: path.join(caDir, "ca.pem") };
}
