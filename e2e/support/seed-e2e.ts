// Seeds two workspaces for the e2e suites: Acme (owner, admin, a technician limited to Alpha,
// support, and an admin and an owner limited to Alpha) and Other MSP, whose data Acme's staff
// must never reach.
import { randomUUID } from "node:crypto";
import { db } from "../../lib/db/client";
import { hashPassword } from "../../lib/auth/password";

export async function seedE2e(password: string) {
  const hash = await hashPassword(password);
  const prisma = db();
  const a = await prisma.workspace.create({ data: { name: "Acme MSP", slug: `acme-${randomUUID().slice(0, 8)}` } });
  const b = await prisma.workspace.create({ data: { name: "Other MSP", slug: `other-${randomUUID().slice(0, 8)}` } });
  const alpha = await prisma.tenant.create({
    data: { workspaceId: a.id, displayName: "Alpha Corp", primaryDomain: "alpha.example.com", cloud: "sandbox" },
  });
  const beta = await prisma.tenant.create({
    data: { workspaceId: a.id, displayName: "Beta LLC", primaryDomain: "beta.example.com", cloud: "global" },
  });
  const gamma = await prisma.tenant.create({
    data: { workspaceId: b.id, displayName: "Gamma GmbH", primaryDomain: "gamma.example.com", cloud: "global" },
  });
  const users = {
    owner: "owner@acme.test",
    admin: "admin@acme.test",
    tech: "tech@acme.test",
    support: "support@acme.test",
    otherOwner: "owner@other.test",
    limitedAdmin: "limited-admin@acme.test",
    limitedOwner: "limited-owner@acme.test",
  };
  const add = async (email: string, workspaceId: string, role: "owner" | "admin" | "technician" | "support", tenantIds?: string[]) => {
    const u = await prisma.staffUser.create({ data: { email, name: email.split("@")[0], passwordHash: hash } });
    await prisma.membership.create({
      data: { workspaceId, staffUserId: u.id, role, hasAllTenants: !tenantIds, tenantIds: tenantIds ?? [] },
    });
  };
  await add(users.owner, a.id, "owner");
  await add(users.admin, a.id, "admin");
  await add(users.tech, a.id, "technician", [alpha.id]);
  await add(users.support, a.id, "support");
  await add(users.otherOwner, b.id, "owner");
  // Tenant-limited admin and owner (issue 9): a scope they can't widen, objects they can't change.
  await add(users.limitedAdmin, a.id, "admin", [alpha.id]);
  await add(users.limitedOwner, a.id, "owner", [alpha.id]);
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
        secrets: {
          create: {
            id: secretId,
            workspaceId,
            sealedValue: sealValue(`secret-of-${domain}-${randomUUID()}`, "client_secret", { workspaceId, rowId: secretId }),
            last4: "abcd",
            expiresAt: new Date(Date.now() + 90 * 86_400_000),
            status: "active",
          },
        },
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
    const tenant = await prisma.tenant.create({
      data: { workspaceId: a.id, displayName: name, directoryId: t.id, primaryDomain: t.domain, cloud: "sandbox" },
    });
    const secretId = randomUUID();
    const app = await prisma.appRegistration.create({
      data: {
        workspaceId: a.id,
        tenantId: tenant.id,
        displayName: `${name} mail`,
        clientId: t.clientId,
        secrets: {
          create: {
            id: secretId,
            workspaceId: a.id,
            sealedValue: sealValue(t.secret, "client_secret", { workspaceId: a.id, rowId: secretId }),
            last4: t.secret.slice(-4),
            expiresAt: new Date(Date.now() + 180 * 86_400_000),
            status: "active",
          },
        },
      },
    });
    const helpdesk = await prisma.mailbox.create({
      data: { workspaceId: a.id, tenantId: tenant.id, appRegistrationId: app.id, address: `helpdesk@${t.domain}` },
    });
    return { tenant: tenant.id, app: app.id, helpdesk: helpdesk.id };
  };
  const sandbox = {
    contoso: await sandboxTenant("Contoso (sandbox)", SEED.contoso),
    fabrikam: await sandboxTenant("Fabrikam (sandbox)", SEED.fabrikam),
  };
  const scoped = await seedScopedObjects({
    a: a.id,
    b: b.id,
    alpha: alpha.id,
    beta: beta.id,
    gamma: gamma.id,
    hash,
    betaMailbox: objects.beta.mailbox,
    gammaMailbox: objects.gamma.mailbox,
  });
  return {
    scoped,
    sandboxObjects: sandbox,
    workspaceA: { id: a.id, tenants: { alpha: alpha.id, beta: beta.id } },
    workspaceB: { id: b.id, tenants: { gamma: gamma.id } },
    users,
    objects,
  };
}

// Objects wider than a tenant-limited caller (every-route suite): a multi-tenant MSP app, all-tenant
// and Beta-only webhooks and API keys, a Beta-limited staff member, audit rows of Beta and of no
// tenant, and the same kinds in the other workspace.
async function seedScopedObjects(o: {
  a: string;
  b: string;
  alpha: string;
  beta: string;
  gamma: string;
  hash: string;
  betaMailbox: string;
  gammaMailbox: string;
}) {
  const prisma = db();
  const { sealValue } = await import("../../lib/crypto");
  const mspApp = await prisma.appRegistration.create({
    data: {
      workspaceId: o.a,
      tenantId: null,
      kind: "multi_tenant",
      displayName: "Acme shared MSP app",
      clientId: randomUUID(),
      secrets: {
        create: {
          ...((id) => ({
            id,
            workspaceId: o.a,
            sealedValue: sealValue(`secret-of-msp-${randomUUID()}`, "client_secret", { workspaceId: o.a, rowId: id }),
          }))(randomUUID()),
          last4: "wxyz",
          expiresAt: new Date(Date.now() + 90 * 86_400_000),
          status: "active",
        },
      },
    },
  });
  const webhook = (workspaceId: string, url: string, tenantIds: string[] | null) =>
    prisma.webhookEndpoint.create({
      data: {
        ...((id) => ({ id, sealedSecret: sealValue(`whsec-${randomUUID()}`, "generic", { workspaceId, rowId: id }) }))(randomUUID()),
        workspaceId,
        url,
        events: ["mailbox.state_changed"],
        hasAllTenants: !tenantIds,
        tenantIds: tenantIds ?? [],
        isEnabled: false,
        createdByEmail: "owner@acme.test",
      },
      select: { id: true },
    });
  const allWebhook = await webhook(o.a, "https://hooks.example.com/all-tenants", null);
  const betaWebhook = await webhook(o.a, "https://hooks.example.com/beta-only", [o.beta]);
  const gammaWebhook = await webhook(o.b, "https://hooks.example.com/other-msp", null);
  const betaDelivery = await prisma.webhookDelivery.create({
    data: { workspaceId: o.a, endpointId: betaWebhook.id, eventType: "webhook.test", payload: {}, status: "failed" },
    select: { id: true },
  });
  const gammaDelivery = await prisma.webhookDelivery.create({
    data: { workspaceId: o.b, endpointId: gammaWebhook.id, eventType: "webhook.test", payload: {}, status: "failed" },
    select: { id: true },
  });
  const apiKey = (workspaceId: string, name: string, tenantIds: string[] | null) =>
    prisma.apiKey.create({
      data: {
        workspaceId,
        name,
        prefix: "csk_seeded00",
        keyHash: randomUUID(),
        scopes: ["read"],
        hasAllTenants: !tenantIds,
        tenantIds: tenantIds ?? [],
        createdByEmail: "owner@acme.test",
      },
      select: { id: true },
    });
  const ownerKey = await apiKey(o.a, "Owner's all-tenant key", null);
  const betaKey = await apiKey(o.a, "Beta-only key", [o.beta]);
  const gammaKey = await apiKey(o.b, "Other MSP key", null);
  const member = async (email: string, workspaceId: string, role: "technician" | "admin", tenantIds: string[]) => {
    const u = await prisma.staffUser.create({ data: { email, name: email.split("@")[0], passwordHash: o.hash } });
    return (
      await prisma.membership.create({
        data: { workspaceId, staffUserId: u.id, role, hasAllTenants: false, tenantIds },
        select: { id: true },
      })
    ).id;
  };
  const betaStaff = await member("beta-tech@acme.test", o.a, "technician", [o.beta]);
  const gammaStaff = await member("gamma-tech@other.test", o.b, "technician", [o.gamma]);
  // An all-tenant admin that limited staff try to demote or remove (not one the other suites sign in as).
  const wu = await prisma.staffUser.create({ data: { email: "wide-admin@acme.test", name: "wide-admin", passwordHash: o.hash } });
  const wideStaff = (
    await prisma.membership.create({
      data: { workspaceId: o.a, staffUserId: wu.id, role: "admin", hasAllTenants: true, tenantIds: [] },
      select: { id: true },
    })
  ).id;
  const statusLink = (workspaceId: string, tenantId: string) =>
    prisma.statusLink.create({
      data: {
        workspaceId,
        tenantId,
        tokenHash: randomUUID(),
        label: "seeded",
        createdByEmail: "owner@acme.test",
        expiresAt: new Date(Date.now() + 7 * 86_400_000),
      },
      select: { id: true },
    });
  const outbound = (workspaceId: string, tenantId: string, mailboxId: string) =>
    prisma.outboundMessage.create({
      data: {
        workspaceId,
        tenantId,
        mailboxId,
        recipients: ["x@example.com"],
        subject: "seeded",
        rawMime: Buffer.from("Subject: seeded\r\n\r\nx"),
        status: "failed",
      },
      select: { id: true },
    });
  await prisma.auditEntry.createMany({
    data: [
      { workspaceId: o.a, actorEmail: "owner@acme.test", action: "settings.seeded_workspace_wide", targetType: "workspace" },
      {
        workspaceId: o.a,
        actorEmail: "owner@acme.test",
        action: "tenant.seeded_beta",
        targetType: "tenant",
        targetId: o.beta,
        tenantId: o.beta,
      },
    ],
  });
  const memberships = Object.fromEntries(
    (await prisma.membership.findMany({ where: { workspaceId: o.a }, select: { id: true, staffUser: { select: { email: true } } } })).map(
      (m) => [m.staffUser.email, m.id],
    ),
  ) as Record<string, string>;
  return {
    mspApp: mspApp.id,
    memberships,
    beta: {
      webhook: betaWebhook.id,
      delivery: betaDelivery.id,
      apiKey: betaKey.id,
      staff: betaStaff,
      statusLink: (await statusLink(o.a, o.beta)).id,
      outbound: (await outbound(o.a, o.beta, o.betaMailbox)).id,
    },
    gamma: {
      webhook: gammaWebhook.id,
      delivery: gammaDelivery.id,
      apiKey: gammaKey.id,
      staff: gammaStaff,
      statusLink: (await statusLink(o.b, o.gamma)).id,
      outbound: (await outbound(o.b, o.gamma, o.gammaMailbox)).id,
    },
    allWebhook: allWebhook.id,
    ownerKey: ownerKey.id,
    wideStaff,
  };
}
