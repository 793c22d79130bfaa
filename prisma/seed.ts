// Demo workspace: an MSP with an owner, a technician limited to one tenant, a read-only support
// user, and three customer tenants in the Sandbox cloud. Idempotent: a second run changes nothing.
import { db } from "../lib/db/client";
import { hashPassword } from "../lib/auth/password";

export const DEMO_TENANTS = [
  { displayName: "Contoso Ltd", primaryDomain: "contoso.onmicrosoft.com" },
  { displayName: "Fabrikam Inc", primaryDomain: "fabrikam.onmicrosoft.com" },
  { displayName: "Northwind Traders", primaryDomain: "northwind.onmicrosoft.com" },
] as const;

export const DEMO_STAFF = [
  { email: "owner@demo.msp", name: "Olivia Owner", role: "owner" as const, limitTo: null },
  { email: "tech@demo.msp", name: "Theo Technician", role: "technician" as const, limitTo: "contoso.onmicrosoft.com" },
  { email: "support@demo.msp", name: "Sam Support", role: "support" as const, limitTo: null },
];

export async function seedDemo(opts: { password: string; directoryIds?: Record<string, string> }) {
  const prisma = db();
  let ws = await prisma.workspace.findUnique({ where: { slug: "demo-msp" } });
  if (!ws) ws = await prisma.workspace.create({ data: { name: "Demo MSP", slug: "demo-msp" } });
  const tenantIds: Record<string, string> = {};
  for (const t of DEMO_TENANTS) {
    const directoryId = opts.directoryIds?.[t.primaryDomain] ?? null;
    const existing = await prisma.tenant.findFirst({ where: { workspaceId: ws.id, primaryDomain: t.primaryDomain } });
    const row = existing
      ? directoryId && !existing.directoryId
        ? await prisma.tenant.update({ where: { id: existing.id }, data: { directoryId } })
        : existing
      : await prisma.tenant.create({ data: { workspaceId: ws.id, displayName: t.displayName, primaryDomain: t.primaryDomain, directoryId, cloud: "sandbox" } });
    tenantIds[t.primaryDomain] = row.id;
  }
  const passwordHash = await hashPassword(opts.password);
  for (const s of DEMO_STAFF) {
    const user = await prisma.staffUser.upsert({
      where: { email: s.email },
      // The password follows .data/secrets.json (or DEMO_PASSWORD), so keep it in sync on every run.
      update: { passwordHash, isDisabled: false },
      create: { email: s.email, name: s.name, passwordHash },
    });
    const limit = s.limitTo ? [tenantIds[s.limitTo]] : [];
    await prisma.membership.upsert({
      where: { workspaceId_staffUserId: { workspaceId: ws.id, staffUserId: user.id } },
      update: {},
      create: { workspaceId: ws.id, staffUserId: user.id, role: s.role, hasAllTenants: !s.limitTo, tenantIds: limit },
    });
  }
  // Failed attempts from earlier runs shouldn't lock the demo account.
  await prisma.loginAttempt.deleteMany({ where: { email: { in: DEMO_STAFF.map((s) => s.email) } } });
  return { workspaceId: ws.id, tenantIds };
}
