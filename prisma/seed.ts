// Demo workspace: an MSP with an owner, a technician limited to one tenant and a read-only
// support user, and the sandbox's three customer tenants with their apps and mailboxes, ready
// to connect. Idempotent: a second run changes nothing.
import { db } from "../lib/db/client";
import { hashPassword } from "../lib/auth/password";
import { sealValue } from "../lib/crypto";
import { SEED } from "../sandbox/directory/seed";

export const DEMO_TENANTS = [
  { displayName: "Contoso Ltd", seed: SEED.contoso, secretDays: 365 },
  // The sandbox's Fabrikam secret expires in 5 days: the demo shows the warning banner.
  { displayName: "Fabrikam Inc", seed: SEED.fabrikam, secretDays: 5 },
  { displayName: "Northwind Traders", seed: SEED.northwind, secretDays: 365 },
] as const;

export const DEMO_STAFF = [
  { email: "owner@demo.msp", name: "Olivia Owner", role: "owner" as const, limitTo: null },
  { email: "tech@demo.msp", name: "Theo Technician", role: "technician" as const, limitTo: SEED.contoso.domain },
  { email: "support@demo.msp", name: "Sam Support", role: "support" as const, limitTo: null },
];

export const DEMO_SSO_STAFF = `admin@${SEED.msp.domain}`;

/** Mints a sandbox refresh token for a user and app (the sandbox admin API's POST /admin/tokens). */
export type TMintToken = (p: { upn: string; clientId: string; scopes: string[] }) => Promise<{ refresh_token: string }>;

const OUTLOOK = "https://outlook.office.com";
// Mailboxes that arrive already connected, so the dashboard has health, mail and a failure to
// diagnose on first open: a healthy one, and an unlicensed one the worker finds failing.
const PRECONNECTED = [
  { seed: SEED.fabrikam, address: `bob@${SEED.fabrikam.domain}` },
  { seed: SEED.northwind, address: `sales@${SEED.northwind.domain}` },
];

export async function seedDemo(opts: { password: string; mint?: TMintToken }) {
  const prisma = db();
  let ws = await prisma.workspace.findUnique({ where: { slug: "demo-msp" } });
  const isNew = !ws;
  if (!ws) ws = await prisma.workspace.create({ data: { name: "Demo MSP", slug: "demo-msp" } });
  const tenantIds: Record<string, string> = {};
  for (const t of DEMO_TENANTS) {
    let tenant = await prisma.tenant.findFirst({ where: { workspaceId: ws.id, directoryId: t.seed.id } });
    if (!tenant) {
      tenant = await prisma.tenant.create({
        data: { workspaceId: ws.id, displayName: t.displayName, directoryId: t.seed.id, primaryDomain: t.seed.domain, cloud: "sandbox" },
      });
      const secretId = crypto.randomUUID(); // the sealed secret is bound to its row
      const app = await prisma.appRegistration.create({
        data: {
          workspaceId: ws.id,
          tenantId: tenant.id,
          displayName: `${t.displayName} helpdesk mail`,
          clientId: t.seed.clientId,
          secrets: {
            create: {
              id: secretId,
              workspaceId: ws.id,
              sealedValue: sealValue(t.seed.secret, "client_secret", { workspaceId: ws.id, rowId: secretId }),
              last4: t.seed.secret.slice(-4),
              expiresAt: new Date(Date.now() + t.secretDays * 86_400_000),
              status: "active",
            },
          },
        },
      });
      await prisma.mailbox.create({
        data: { workspaceId: ws.id, tenantId: tenant.id, appRegistrationId: app.id, address: `helpdesk@${t.seed.domain}` },
      });
      await prisma.mailbox.create({
        data: {
          workspaceId: ws.id,
          tenantId: tenant.id,
          appRegistrationId: app.id,
          address: `support@${t.seed.domain}`,
          kind: "shared",
          delegateUpn: `it@${t.seed.domain}`,
        },
      });
    }
    tenantIds[t.seed.domain] = tenant.id;
  }
  if (isNew && opts.mint) {
    for (const p of PRECONNECTED) {
      const tenantId = tenantIds[p.seed.domain];
      const app = await prisma.appRegistration.findFirstOrThrow({ where: { workspaceId: ws.id, tenantId } });
      const scopes = [`${OUTLOOK}/IMAP.AccessAsUser.All`, `${OUTLOOK}/SMTP.Send`];
      const tok = await opts.mint({ upn: p.address, clientId: p.seed.clientId, scopes: [...scopes, "offline_access"] });
      const mb = await prisma.mailbox.create({
        data: { workspaceId: ws.id, tenantId, appRegistrationId: app.id, address: p.address, state: "connected" },
      });
      await prisma.grant.create({
        data: {
          workspaceId: ws.id,
          tenantId,
          mailboxId: mb.id,
          upn: p.address,
          oid: crypto.randomUUID(),
          tid: p.seed.id,
          scopes,
          sealedRefreshToken: sealValue(tok.refresh_token, "refresh_token", { workspaceId: ws.id, rowId: mb.id }),
          refreshTokenIssuedAt: new Date(),
          lastRefreshAt: new Date(),
        },
      });
    }
  }
  const passwordHash = await hashPassword(opts.password);
  for (const s of DEMO_STAFF) {
    const user = await prisma.staffUser.upsert({
      where: { email: s.email },
      // The password follows .data/secrets.json (or DEMO_PASSWORD), so keep it in sync on every run.
      update: { passwordHash, isDisabled: false },
      create: { email: s.email, name: s.name, passwordHash },
    });
    await prisma.membership.upsert({
      where: { workspaceId_staffUserId: { workspaceId: ws.id, staffUserId: user.id } },
      update: {},
      create: {
        workspaceId: ws.id,
        staffUserId: user.id,
        role: s.role,
        hasAllTenants: !s.limitTo,
        tenantIds: s.limitTo ? [tenantIds[s.limitTo]] : [],
      },
    });
  }
  // Signs in with Microsoft only (the sandbox MSP tenant's admin), to show staff SSO.
  const sso = await prisma.staffUser.upsert({
    where: { email: DEMO_SSO_STAFF },
    update: { isDisabled: false },
    create: { email: DEMO_SSO_STAFF, name: "MSP admin (Microsoft sign-in)" },
  });
  await prisma.membership.upsert({
    where: { workspaceId_staffUserId: { workspaceId: ws.id, staffUserId: sso.id } },
    update: {},
    create: { workspaceId: ws.id, staffUserId: sso.id, role: "admin", hasAllTenants: true, tenantIds: [] },
  });
  // Failed attempts from earlier runs shouldn't lock the demo accounts.
  await prisma.loginAttempt.deleteMany({ where: { email: { in: DEMO_STAFF.map((s) => s.email) } } });
  return { workspaceId: ws.id, tenantIds };
}
