import "server-only";
// The one identity choke point: turns the next-auth session into a workspace scope
// (role + allowed tenants), re-read from the database on every request so role changes and
// disabled accounts take effect at once.
import { cache } from "react";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { db } from "../db/client";
import { authOptions } from "./options";
import type { TRole } from "./permissions";

export type TScope = {
  staffUserId: string;
  email: string;
  name: string;
  workspaceId: string;
  workspaceName: string;
  role: TRole;
  hasAllTenants: boolean;
  tenantIds: string[];
};

export async function scopeForStaffUser(staffUserId: string): Promise<TScope | null> {
  const user = await db().staffUser.findUnique({
    where: { id: staffUserId },
    include: { memberships: { include: { workspace: true }, orderBy: { createdAt: "asc" }, take: 1 } },
  });
  const m = user?.memberships[0];
  if (!user || user.isDisabled || !m) return null;
  return {
    staffUserId: user.id,
    email: user.email,
    name: user.name,
    workspaceId: m.workspaceId,
    workspaceName: m.workspace.name,
    role: m.role,
    hasAllTenants: m.hasAllTenants,
    tenantIds: m.tenantIds,
  };
}

export const getScope = cache(async (): Promise<TScope | null> => {
  const session = await getServerSession(authOptions());
  const id = (session?.user as { id?: string } | undefined)?.id;
  return id ? scopeForStaffUser(id) : null;
});

export async function requirePageScope(): Promise<TScope> {
  const scope = await getScope();
  if (!scope) redirect("/login");
  return scope;
}
