// Seeds two workspaces for the e2e suites: Acme (owner, admin, a technician limited to Alpha,
// support) and Other MSP, whose data Acme's staff must never reach.
import { randomUUID } from "node:crypto";
import { db } from "../../lib/db/client";
import { hashPassword } from "../../lib/auth/password";

export async function seedE2e(password: string) {
  const hash = await hashPassword(password);
  const prisma = db();
  const a = await prisma.workspace.create({ data: { name: "Acme MSP", slug: `acme-${randomUUID().slice(0, 8)}` } });
  const b = await prisma.workspace.create({ data: { name: "Other MSP", slug: `other-${randomUUID().slice(0, 8)}` } });
  const alpha = await prisma.tenant.create({ data: { workspaceId: a.id, displayName: "Alpha Corp", primaryDomain: "alpha.example.com", cloud: "sandbox" } });
  const beta = await prisma.tenant.create({ data: { workspaceId: a.id, displayName: "Beta LLC", primaryDomain: "beta.example.com", cloud: "global" } });
  const gamma = await prisma.tenant.create({ data: { workspaceId: b.id, displayName: "Gamma GmbH", primaryDomain: "gamma.example.com", cloud: "global" } });
  const users = { owner: "owner@acme.test", admin: "admin@acme.test", tech: "tech@acme.test", support: "support@acme.test", otherOwner: "owner@other.test" };
  const add = async (email: string, workspaceId: string, role: "owner" | "admin" | "technician" | "support", tenantIds?: string[]) => {
    const u = await prisma.staffUser.create({ data: { email, name: email.split("@")[0], passwordHash: hash } });
    await prisma.membership.create({ data: { workspaceId, staffUserId: u.id, role, hasAllTenants: !tenantIds, tenantIds: tenantIds ?? [] } });
  };
  await add(users.owner, a.id, "owner");
  await add(users.admin, a.id, "admin");
  await add(users.tech, a.id, "technician", [alpha.id]);
  await add(users.support, a.id, "support");
  await add(users.otherOwner, b.id, "owner");
  // Signs in only with Microsoft (the sandbox's MSP tenant): no password.
  const sso = await prisma.staffUser.create({ data: { email: "admin@demomsp.onmicrosoft.com", name: "MSP admin (SSO)" } });
  await prisma.membership.create({ data: { workspaceId: a.id, staffUserId: sso.id, role: "admin", hasAllTenants: true, tenantIds: [] } });
  // One app and one mailbox per tenant, for the cross-tenant suites.
  const { sealValue } = await import("../../lib/crypto");
  const appAndMailbox = async (workspaceId: string, tenantId: string, domain: string) => {
    const secretId = randomUUID();
    const app = await prisma.appRegistration.create({
      data: {
        workspaceId,
        tenantId,
        displayName: `${domain} app`,
        clientId: randomUUID(),
        secrets: { create: { id: secretId, workspaceId, sealedValue: sealValue(`secret-of-${domain}-${randomUUID()}`, "client_secret", { workspaceId, rowId: secretId }), last4: "abcd", expiresAt: new Date(Date.now() + 90 * 86_400_000), status: "active" } },
      },
    });
    const mb = await prisma.mailbox.create({ data: { workspaceId, tenantId, appRegistrationId: app.id, address: `helpdesk@${domain}` } });
    return { app: app.id, mailbox: mb.id };
  };
  const objects = {
    alpha: await appAndMailbox(a.id, alpha.id, "alpha.example.com"),
    beta: await appAndMailbox(a.id, beta.id, "beta.example.com"),
    gamma: await appAndMailbox(b.id, gamma.id, "gamma.example.com"),
  };
  // Sandbox-cloud tenants that match the sandbox's seeded Contoso and Fabrikam.
  const { SEED } = await import("../../sandbox/directory/seed");
  const sandboxTenant = async (name: string, t: { id: string; domain: string; clientId: string; secret: string }) => {
    const tenant = await prisma.tenant.create({ data: { workspaceId: a.id, displayName: name, directoryId: t.id, primaryDomain: t.domain, cloud: "sandbox" } });
    const secretId = randomUUID();
    const app = await prisma.appRegistration.create({
      data: { workspaceId: a.id, tenantId: tenant.id, displayName: `${name} mail`, clientId: t.clientId, secrets: { create: { id: secretId, workspaceId: a.id, sealedValue: sealValue(t.secret, "client_secret", { workspaceId: a.id, rowId: secretId }), last4: t.secret.slice(-4), expiresAt: new Date(Date.now() + 180 * 86_400_000), status: "active" } } },
    });
    const helpdesk = await prisma.mailbox.create({ data: { workspaceId: a.id, tenantId: tenant.id, appRegistrationId: app.id, address: `helpdesk@${t.domain}` } });
    return { tenant: tenant.id, app: app.id, helpdesk: helpdesk.id };
  };
  const sandbox = { contoso: await sandboxTenant("Contoso (sandbox)", SEED.contoso), fabrikam: await sandboxTenant("Fabrikam (sandbox)", SEED.fabrikam) };
  return {
    sandboxObjects: sandbox,
    workspaceA: { id: a.id, tenants: { alpha: alpha.id, beta: beta.id } },
    workspaceB: { id: b.id, tenants: { gamma: gamma.id } },
    users,
    objects,
  };
}
