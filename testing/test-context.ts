// A stand-in SandboxContext for developing and unit-testing the mail services on their own:
// an in-memory directory, RS256 tokens signed with jose, and a throwaway CA + localhost cert.
// Integration tests prefer part 1's startTestSandbox() where it exists (real identity platform).
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import forge from "node-forge";
import { SignJWT, jwtVerify, importPKCS8, importSPKI } from "jose";
import type {
  AccessTokenClaims,
  DirectoryTenant,
  DirectoryUser,
  MailboxOwner,
  SandboxContext,
  SharedMailbox,
  TlsMaterial,
} from "../sandbox/contracts";
import { exoAppGrant, servicePrincipalObjectId } from "../sandbox/directory/exchange-rbac";
import { emptyExchange, type TSbExchange } from "../sandbox/directory/model";

export const CONTOSO = "7a1f0d5e-0000-4000-8000-00000000c0de";
export const FABRIKAM = "7a1f0d5e-0000-4000-8000-0000000fab01";
export const TEST_APP_ID = "11111111-2222-4333-8444-555555555555";

function user(tenantId: string, upn: string, over: Partial<DirectoryUser> = {}): DirectoryUser {
  return {
    id: randomUUID(),
    tenantId,
    upn,
    mail: upn,
    proxyAddresses: [`SMTP:${upn}`],
    displayName: upn.split("@")[0].replace(/^./, (c) => c.toUpperCase()),
    isAdmin: false,
    isLicensed: true,
    mfaRequired: false,
    isDisabled: false,
    signInFrequencyDays: null,
    imapEnabled: true,
    popEnabled: true,
    smtpAuthDisabled: null,
    passwordChangedAt: new Date(0).toISOString(),
    ...over,
  };
}

export function makeTls(): TlsMaterial {
  const caKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const leafKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const toForge = (k: typeof caKeys) => ({
    privateKey: forge.pki.privateKeyFromPem(k.privateKey.export({ type: "pkcs1", format: "pem" }).toString()),
    publicKey: forge.pki.publicKeyFromPem(k.publicKey.export({ type: "spki", format: "pem" }).toString()),
  });
  const ca = toForge(caKeys);
  const leaf = toForge(leafKeys);
  const now = new Date();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.publicKey;
  caCert.serialNumber = "01";
  caCert.validity.notBefore = new Date(now.getTime() - 86_400_000);
  caCert.validity.notAfter = new Date(now.getTime() + 30 * 86_400_000);
  const caName = [{ name: "commonName", value: "Consentry Mail Test CA" }];
  caCert.setSubject(caName);
  caCert.setIssuer(caName);
  caCert.setExtensions([
    { name: "basicConstraints", cA: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true },
  ]);
  caCert.sign(ca.privateKey, forge.md.sha256.create());
  const cert = forge.pki.createCertificate();
  cert.publicKey = leaf.publicKey;
  cert.serialNumber = "02";
  cert.validity.notBefore = caCert.validity.notBefore;
  cert.validity.notAfter = caCert.validity.notAfter;
  cert.setSubject([{ name: "commonName", value: "localhost" }]);
  cert.setIssuer(caName);
  cert.setExtensions([
    {
      name: "subjectAltName",
      altNames: [
        { type: 2, value: "localhost" },
        { type: 7, ip: "127.0.0.1" },
      ],
    },
    { name: "extKeyUsage", serverAuth: true },
  ]);
  cert.sign(ca.privateKey, forge.md.sha256.create());
  return {
    key: forge.pki.privateKeyToPem(leaf.privateKey),
    cert: forge.pki.certificateToPem(cert),
    ca: forge.pki.certificateToPem(caCert),
  };
}

export type TestMintOptions = {
  upn?: string; // delegated: the signed-in user
  tenantId?: string;
  aud?: "https://outlook.office.com" | "https://graph.microsoft.com" | string;
  scopes?: string[];
  roles?: string[]; // app-only
  appId?: string;
  expiresInSec?: number; // negative = already expired
};

export type TestContext = SandboxContext & {
  tenants: DirectoryTenant[];
  users: DirectoryUser[];
  shared: SharedMailbox[];
  appConsents: Set<string>; // `${tenantId}|${appId}|${role}`
  /** Exchange's app grants (service principals, mailbox permissions, scopes, role assignments). */
  exchange: TSbExchange;
  mint(opts: TestMintOptions): Promise<string>;
};

export async function createTestContext(opts: { dataDir?: string; tls?: TlsMaterial } = {}): Promise<TestContext> {
  const tenants: DirectoryTenant[] = [
    {
      id: CONTOSO,
      displayName: "Contoso",
      domains: ["contoso.onmicrosoft.com"],
      smtpAuthDisabled: false,
      usersMayConsent: true,
      securityDefaults: false,
    },
    {
      id: FABRIKAM,
      displayName: "Fabrikam",
      domains: ["fabrikam.onmicrosoft.com"],
      smtpAuthDisabled: true,
      usersMayConsent: true,
      securityDefaults: false,
    },
  ];
  const users = [
    user(CONTOSO, "alice@contoso.onmicrosoft.com", { isAdmin: true }),
    user(CONTOSO, "bob@contoso.onmicrosoft.com"),
    user(CONTOSO, "carol@contoso.onmicrosoft.com", { isLicensed: false }),
    user(CONTOSO, "dave@contoso.onmicrosoft.com", { imapEnabled: false, popEnabled: false }),
    user(CONTOSO, "erin@contoso.onmicrosoft.com", { smtpAuthDisabled: true }),
    user(FABRIKAM, "frank@fabrikam.onmicrosoft.com"),
    user(FABRIKAM, "grace@fabrikam.onmicrosoft.com", { smtpAuthDisabled: false }),
  ];
  const alice = users[0];
  const shared: SharedMailbox[] = [
    {
      id: randomUUID(),
      tenantId: CONTOSO,
      address: "support@contoso.onmicrosoft.com",
      displayName: "Support",
      fullAccess: [alice.id],
      sendAs: [alice.id],
    },
  ];
  const appConsents = new Set<string>();
  const exchange = emptyExchange();
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const priv = await importPKCS8(keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), "RS256");
  const pub = await importSPKI(keys.publicKey.export({ type: "spki", format: "pem" }).toString(), "RS256");
  const byUpn = (upn: string) => users.find((u) => u.upn === upn.toLowerCase());
  const owners = (): MailboxOwner[] => [
    ...users.filter((u) => u.isLicensed).map((u) => ({ kind: "user" as const, address: u.upn, tenantId: u.tenantId, user: u })),
    ...shared.map((s) => ({ kind: "shared" as const, address: s.address, tenantId: s.tenantId, shared: s })),
  ];
  const ctx: TestContext = {
    dataDir: opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), "consentry-mail-")),
    tls: opts.tls ?? makeTls(),
    hostname: "localhost",
    ports: { identity: 0, graph: 0, imap: 0, pop: 0, smtp: 0 },
    tenants,
    users,
    shared,
    appConsents,
    exchange,
    directory: {
      getTenant: (id) => tenants.find((t) => t.id === id),
      getUserById: (oid) => users.find((u) => u.id === oid),
      getUserByUpn: byUpn,
      getSharedMailbox: (a) => shared.find((s) => s.address === a.toLowerCase()),
      resolveMailbox(address) {
        const a = address.toLowerCase();
        const u = byUpn(a);
        // Unlicensed users still resolve: the protocols must answer "no mailbox" in their own words.
        if (u) return { kind: "user", address: u.upn, tenantId: u.tenantId, user: u };
        const s = shared.find((x) => x.address === a);
        return s ? { kind: "shared", address: s.address, tenantId: s.tenantId, shared: s } : undefined;
      },
      listMailboxes: owners,
      hasAppRoleConsent: (t, app, role) => appConsents.has(`${t}|${app}|${role}`),
      exchangeAppGrant: (p) => exoAppGrant(exchange, p),
    },
    async verifyAccessToken(token) {
      try {
        const { payload } = await jwtVerify(token, pub, { currentDate: ctx.now(), clockTolerance: 0 });
        return { ok: true, claims: payload as unknown as AccessTokenClaims };
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === "ERR_JWT_EXPIRED") return { ok: false, reason: "expired" };
        if (code === "ERR_JWS_SIGNATURE_VERIFICATION_FAILED") return { ok: false, reason: "bad_signature" };
        return { ok: false, reason: "malformed" };
      }
    },
    now: () => new Date(),
    log: () => {},
    async mint(o) {
      const tid = o.tenantId ?? (o.upn ? byUpn(o.upn)?.tenantId : undefined) ?? CONTOSO;
      const u = o.upn ? byUpn(o.upn) : undefined;
      const now = Math.floor(Date.now() / 1000);
      const exp = now + (o.expiresInSec ?? 3600);
      const claims: Record<string, unknown> = {
        aud: o.aud ?? "https://outlook.office.com",
        iss: `https://sts.windows.net/${tid}/`,
        tid,
        appid: o.appId ?? TEST_APP_ID,
        ver: "1.0",
      };
      if (u) Object.assign(claims, { oid: u.id, upn: u.upn, unique_name: u.upn, scp: (o.scopes ?? []).join(" ") });
      // App-only: oid is the app's service principal object id in the tenant.
      else Object.assign(claims, { oid: servicePrincipalObjectId(tid, o.appId ?? TEST_APP_ID), roles: o.roles ?? [] });
      return new SignJWT(claims)
        .setProtectedHeader({ alg: "RS256", typ: "JWT" })
        .setIssuedAt(Math.min(now, exp - 60))
        .setNotBefore(Math.min(now, exp - 60))
        .setExpirationTime(exp)
        .sign(priv);
    },
  };
  return ctx;
}
