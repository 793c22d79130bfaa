// The demo MSP world: three customer tenants, each with users, a shared mailbox with a delegate,
// an app registration, and one deliberately broken setup; plus the MSP's own multi-tenant app.
// Fixed ids, passwords and secrets, so demos, docs and tests can name them.
import { randomUUID } from "node:crypto";
import { servicePrincipalObjectId } from "./exchange-rbac";
import type { TSbApp, TSbState, TSbUser } from "./model";
import { emptyState } from "./model";

export const SEED_PASSWORD = "Passw0rd!";
export const SEED = {
  msp: { id: "3f1c2a4e-6b7d-4c8e-9f10-aa11bb22cc00", domain: "demomsp.onmicrosoft.com" },
  contoso: {
    id: "3f1c2a4e-6b7d-4c8e-9f10-aa11bb22cc01",
    domain: "contoso.onmicrosoft.com",
    clientId: "5a0e1111-2222-4333-8444-00000000c001",
    secret: "Ctso8Q~demo.secret-value-0001-abcdefghijkl",
  },
  fabrikam: {
    id: "3f1c2a4e-6b7d-4c8e-9f10-aa11bb22cc02",
    domain: "fabrikam.onmicrosoft.com",
    clientId: "5a0e1111-2222-4333-8444-00000000f002",
    secret: "Fbkm8Q~demo.secret-value-0002-abcdefghijkl",
  },
  northwind: {
    id: "3f1c2a4e-6b7d-4c8e-9f10-aa11bb22cc03",
    domain: "northwind.onmicrosoft.com",
    clientId: "5a0e1111-2222-4333-8444-00000000a003",
    secret: "Nwnd8Q~demo.secret-value-0003-abcdefghijkl",
  },
  // App-only (client credentials) on Northwind: Entra admin consent for IMAP/POP/SMTP AccessAsApp
  // only, the service principal registered in Exchange, FullAccess on support@, and RBAC for
  // Applications (Mail.ReadWrite + Mail.Send) scoped to mailboxes with CustomAttribute1 = consentry.
  northwindDaemon: {
    clientId: "5a0e1111-2222-4333-8444-0000000da003",
    secret: "NwndDmn8Q~demo.secret-value-0003-abcdefgh",
    scopeName: "Consentry mailboxes",
    scopeFilter: "CustomAttribute1 -eq 'consentry'",
  },
  // A user whose sign-in name (UPN) differs from her mailbox's primary address, with an alias:
  // common wherever UPNs predate the mail domain or follow an HR naming rule.
  upnDiffers: {
    upn: "jdoe@fabrikam.onmicrosoft.com",
    mail: "jane.doe@fabrikam.onmicrosoft.com",
    alias: "jane@fabrikam.onmicrosoft.com",
  },
  mspApp: { clientId: "5a0e1111-2222-4333-8444-0000000005a0", secret: "MspApp8Q~demo.secret-value-0000-abcdefghij" },
} as const;

// Consentry's consent callback, and next-auth's for staff SSO, on the demo (3000) and e2e (3100) ports.
export const SEED_REDIRECT_URIS = ["localhost:3000", "127.0.0.1:3000", "127.0.0.1:3100", "localhost:3100"].flatMap((h) => [
  `http://${h}/api/oauth/callback`,
  `http://${h}/api/auth/callback/azure-ad`,
]);

const DELEGATED = [
  "https://outlook.office.com/IMAP.AccessAsUser.All",
  "https://outlook.office.com/POP.AccessAsUser.All",
  "https://outlook.office.com/SMTP.Send",
  "https://graph.microsoft.com/Mail.ReadWrite",
  "https://graph.microsoft.com/Mail.Send",
  "https://graph.microsoft.com/Mail.ReadWrite.Shared",
  "https://graph.microsoft.com/Mail.Send.Shared",
  "https://graph.microsoft.com/Mail.Read",
  "https://graph.microsoft.com/Mail.Read.Shared",
  "https://graph.microsoft.com/User.Read",
];
const APPLICATION = [
  "https://graph.microsoft.com/Mail.ReadWrite",
  "https://graph.microsoft.com/Mail.Send",
  "https://outlook.office.com/IMAP.AccessAsApp",
  "https://outlook.office.com/SMTP.SendAsApp",
];

export function newUser(tenantId: string, upn: string, over: Partial<TSbUser> = {}): TSbUser {
  return {
    id: randomUUID(),
    tenantId,
    upn: upn.toLowerCase(),
    mail: (over.mail ?? upn).toLowerCase(),
    proxyAddresses: [`SMTP:${(over.mail ?? upn).toLowerCase()}`],
    displayName: upn.split("@")[0].replace(/(^|[.-])(\w)/g, (_, s: string, c: string) => (s ? " " : "") + c.toUpperCase()),
    isAdmin: false,
    isLicensed: true,
    mfaRequired: false,
    isDisabled: false,
    signInFrequencyDays: null,
    imapEnabled: true,
    popEnabled: true,
    smtpAuthDisabled: null,
    passwordChangedAt: new Date(0).toISOString(),
    password: SEED_PASSWORD,
    tokensValidFrom: new Date(0).toISOString(),
    caBlocked: false,
    ...over,
  };
}

export function newApp(p: {
  clientId: string;
  displayName: string;
  homeTenantId: string;
  isMultiTenant?: boolean;
  secret: string;
  expiresAt: Date;
  redirectUris?: string[];
}): TSbApp {
  return {
    clientId: p.clientId,
    displayName: p.displayName,
    homeTenantId: p.homeTenantId,
    isMultiTenant: p.isMultiTenant ?? false,
    redirectUris: p.redirectUris ?? [...SEED_REDIRECT_URIS],
    secrets: [{ id: randomUUID(), value: p.secret, hint: p.secret.slice(0, 3), expiresAt: p.expiresAt.toISOString() }],
    delegated: [...DELEGATED],
    application: [...APPLICATION],
  };
}

export function seedState(now = new Date()): TSbState {
  const s = emptyState();
  const year = new Date(now.getTime() + 365 * 86_400_000);
  const tenant = (id: string, displayName: string, domain: string, over = {}) => ({
    id,
    displayName,
    domains: [domain],
    smtpAuthDisabled: false,
    usersMayConsent: true,
    securityDefaults: false,
    ...over,
  });
  s.tenants.push(tenant(SEED.msp.id, "Demo MSP", SEED.msp.domain));
  // Broken on purpose: SMTP AUTH off for the whole tenant (535 5.7.139).
  s.tenants.push(tenant(SEED.contoso.id, "Contoso Ltd", SEED.contoso.domain, { smtpAuthDisabled: true }));
  s.tenants.push(tenant(SEED.fabrikam.id, "Fabrikam Inc", SEED.fabrikam.domain));
  s.tenants.push(tenant(SEED.northwind.id, "Northwind Traders", SEED.northwind.domain, { usersMayConsent: false }));
  s.users.push(newUser(SEED.msp.id, `admin@${SEED.msp.domain}`, { isAdmin: true }));
  for (const t of [SEED.contoso, SEED.fabrikam, SEED.northwind]) {
    const admin = newUser(t.id, `admin@${t.domain}`, { isAdmin: true });
    const it = newUser(t.id, `it@${t.domain}`);
    s.users.push(admin, newUser(t.id, `helpdesk@${t.domain}`), newUser(t.id, `bob@${t.domain}`), it);
    s.shared.push({
      id: randomUUID(),
      tenantId: t.id,
      address: `support@${t.domain}`,
      displayName: "Support",
      fullAccess: [it.id],
      sendAs: [it.id],
    });
  }
  const jane = newUser(SEED.fabrikam.id, SEED.upnDiffers.upn, { mail: SEED.upnDiffers.mail, displayName: "Jane Doe" });
  jane.proxyAddresses.push(`smtp:${SEED.upnDiffers.alias}`);
  s.users.push(jane);
  // Broken on purpose: an unlicensed user in Northwind.
  s.users.push(newUser(SEED.northwind.id, `sales@${SEED.northwind.domain}`, { isLicensed: false }));
  s.apps.push(
    newApp({
      clientId: SEED.contoso.clientId,
      displayName: "Contoso helpdesk mail",
      homeTenantId: SEED.contoso.id,
      secret: SEED.contoso.secret,
      expiresAt: year,
    }),
  );
  // Broken on purpose: Fabrikam's secret expires in 5 days.
  s.apps.push(
    newApp({
      clientId: SEED.fabrikam.clientId,
      displayName: "Fabrikam helpdesk mail",
      homeTenantId: SEED.fabrikam.id,
      secret: SEED.fabrikam.secret,
      expiresAt: new Date(now.getTime() + 5 * 86_400_000),
    }),
  );
  s.apps.push(
    newApp({
      clientId: SEED.northwind.clientId,
      displayName: "Northwind helpdesk mail",
      homeTenantId: SEED.northwind.id,
      secret: SEED.northwind.secret,
      expiresAt: year,
    }),
  );
  s.apps.push(
    newApp({
      clientId: SEED.mspApp.clientId,
      displayName: "Demo MSP Consentry",
      homeTenantId: SEED.msp.id,
      isMultiTenant: true,
      secret: SEED.mspApp.secret,
      expiresAt: year,
    }),
  );
  const daemon = newApp({
    clientId: SEED.northwindDaemon.clientId,
    displayName: "Northwind mail daemon (app-only)",
    homeTenantId: SEED.northwind.id,
    secret: SEED.northwindDaemon.secret,
    expiresAt: year,
    redirectUris: [],
  });
  daemon.delegated = [];
  daemon.application = [
    "https://outlook.office.com/IMAP.AccessAsApp",
    "https://outlook.office.com/POP.AccessAsApp",
    "https://outlook.office.com/SMTP.SendAsApp",
  ];
  s.apps.push(daemon);
  for (const a of s.apps)
    s.servicePrincipals.push({
      tenantId: a.homeTenantId,
      clientId: a.clientId,
      objectId: servicePrincipalObjectId(a.homeTenantId, a.clientId),
    });
  seedAppOnly(s, now);
  return s;
}

function seedAppOnly(s: TSbState, now: Date) {
  const t = SEED.northwind;
  const d = SEED.northwindDaemon;
  const objectId = servicePrincipalObjectId(t.id, d.clientId);
  s.consents.push({
    tenantId: t.id,
    clientId: d.clientId,
    kind: "admin",
    userId: null,
    scopes: [],
    roles: s.apps.find((a) => a.clientId === d.clientId)!.application,
    grantedAt: now.toISOString(),
  });
  const x = s.exchange;
  x.servicePrincipals.push({ tenantId: t.id, appId: d.clientId, objectId, displayName: "Northwind mail daemon (app-only)" });
  x.mailboxPermissions.push({ tenantId: t.id, address: `support@${t.domain}`, principalObjectId: objectId, accessRights: "FullAccess" });
  for (const a of [`support@${t.domain}`, `helpdesk@${t.domain}`]) x.customAttributes[a] = { CustomAttribute1: "consentry" };
  x.managementScopes.push({ tenantId: t.id, name: d.scopeName, recipientRestrictionFilter: d.scopeFilter });
  for (const role of ["Application Mail.ReadWrite", "Application Mail.Send"])
    x.roleAssignments.push({
      tenantId: t.id,
      name: `${role} - ${d.scopeName}`,
      appObjectId: objectId,
      role,
      customResourceScope: d.scopeName,
    });
}
