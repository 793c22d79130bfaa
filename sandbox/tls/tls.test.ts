// The sandbox CA is trusted by Consentry's processes (NODE_EXTRA_CA_CERTS), so it must not be able
// to vouch for any real host: name constraints limit it to localhost, 127.0.0.1 and ::1.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import forge from "node-forge";
import { afterAll, describe, expect, it } from "vitest";
import { loadOrCreateTls } from "./tls";

const dir = mkdtempSync(path.join(os.tmpdir(), "sandbox-ca-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A server certificate for `names` signed by the CA in `caDir`, as a forger holding its key would. */
function forgedCert(caDir: string, names: { dns?: string; ip?: string }) {
  const ca = forge.pki.certificateFromPem(readFileSync(path.join(caDir, "ca.pem"), "utf8"));
  const caKey = forge.pki.privateKeyFromPem(readFileSync(path.join(caDir, "ca-key.pem"), "utf8"));
  const k = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(k.publicKey.export({ type: "spki", format: "pem" }).toString());
  cert.serialNumber = "0a" + Date.now().toString(16);
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: "commonName", value: names.dns ?? names.ip ?? "x" }]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: "subjectAltName", altNames: [names.dns ? { type: 2, value: names.dns } : { type: 7, ip: names.ip }] },
    { name: "extKeyUsage", serverAuth: true },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: k.privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}

/** Handshakes with a server presenting `cert`, trusting only the CA; resolves to the verification error code or "ok". */
async function handshake(ca: string, server: { cert: string; key: string }, servername: string): Promise<string> {
  const srv = tls.createServer(server, (s) => s.end());
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  try {
    return await new Promise<string>((resolve) => {
      const sock = tls.connect(
        { host: "127.0.0.1", port: (srv.address() as AddressInfo).port, ca, servername, checkServerIdentity: () => undefined },
        () => {
          sock.destroy();
          resolve("ok");
        },
      );
      sock.on("error", (e: NodeJS.ErrnoException) => resolve(`${e.code}: ${e.message}`));
    });
  } finally {
    srv.close();
  }
}

describe("sandbox CA", () => {
  const m = loadOrCreateTls(path.join(dir, "server"), path.join(dir, "ca"));

  it("carries critical name constraints for localhost, 127.0.0.1 and ::1", () => {
    const ca = forge.pki.certificateFromPem(m.ca);
    const nc = ca.extensions.find((e: { id: string }) => e.id === "2.5.29.30") as { critical: boolean } | undefined;
    expect(nc?.critical).toBe(true);
    expect(new X509Certificate(m.ca).ca).toBe(true);
  });

  it("still vouches for the sandbox's own localhost certificate", async () => {
    expect(await handshake(m.ca, { cert: m.cert, key: m.key }, "localhost")).toBe("ok");
  });

  it("can't vouch for any other host, even with its own key", async () => {
    const caDir = path.join(dir, "ca");
    expect(await handshake(m.ca, forgedCert(caDir, { dns: "localhost" }), "localhost")).toBe("ok");
    expect(await handshake(m.ca, forgedCert(caDir, { dns: "login.microsoftonline.com" }), "login.microsoftonline.com")).toMatch(
      /permitted subtree violation/,
    );
    expect(await handshake(m.ca, forgedCert(caDir, { ip: "10.0.0.1" }), "x")).toMatch(/permitted subtree violation/);
  });

  it("replaces a CA made before name constraints", () => {
    const old = path.join(dir, "old");
    const first = loadOrCreateTls(path.join(old, "server"), path.join(old, "ca"));
    // Simulate an old CA: strip the extension by re-signing without it.
    const ca = forge.pki.certificateFromPem(first.ca);
    const key = forge.pki.privateKeyFromPem(readFileSync(path.join(old, "ca", "ca-key.pem"), "utf8"));
    ca.setExtensions(ca.extensions.filter((e: { id: string }) => e.id !== "2.5.29.30"));
    ca.sign(key, forge.md.sha256.create());
    writeFileSync(path.join(old, "ca", "ca.pem"), forge.pki.certificateToPem(ca));
    const again = loadOrCreateTls(path.join(old, "server"), path.join(old, "ca"));
    expect(forge.pki.certificateFromPem(again.ca).extensions.some((e: { id: string }) => e.id === "2.5.29.30")).toBe(true);
    expect(forge.pki.certificateFromPem(again.ca).verify(forge.pki.certificateFromPem(again.cert))).toBe(true);
  });
});
