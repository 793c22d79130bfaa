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

function ensureCa(caDir: string) {
  const certPath = path.join(caDir, "ca.pem");
  const keyPath = path.join(caDir, "ca-key.pem");
  if (existsSync(certPath) && existsSync(keyPath)) return { cert: forge.pki.certificateFromPem(readFileSync(certPath, "utf8")), key: forge.pki.privateKeyFromPem(readFileSync(keyPath, "utf8")), pem: readFileSync(certPath, "utf8") };
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
  cert.setExtensions([{ name: "basicConstraints", cA: true, critical: true }, { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const pem = forge.pki.certificateToPem(cert);
  writeFileSync(certPath, pem);
  writeFileSync(keyPath, forge.pki.privateKeyToPem(keys.privateKey), { mode: 0o600 });
  return { cert, key: keys.privateKey, pem };
}

/** caDir lets several test sandboxes share one trusted CA; by default it lives in tlsDir. */
export function loadOrCreateTls(tlsDir: string, caDir = tlsDir): TlsMaterial & { caPath: string } {
  const ca = ensureCa(caDir);
  const certPath = path.join(tlsDir, "server.pem");
  const keyPath = path.join(tlsDir, "server-key.pem");
  if (!existsSync(certPath) || !existsSync(keyPath) || forge.pki.certificateFromPem(readFileSync(certPath, "utf8")).issuer.hash !== ca.cert.subject.hash) {
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
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }, { type: 7, ip: "::1" }] },
      { name: "extKeyUsage", serverAuth: true },
    ]);
    cert.sign(ca.key, forge.md.sha256.create());
    writeFileSync(certPath, forge.pki.certificateToPem(cert));
    writeFileSync(keyPath, forge.pki.privateKeyToPem(keys.privateKey), { mode: 0o600 });
  }
  return { key: readFileSync(keyPath, "utf8"), cert: readFileSync(certPath, "utf8"), ca: ca.pem, caPath: path.join(caDir, "ca.pem") };
}
