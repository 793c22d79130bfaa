// What each role may do. Roles only narrow: tenant limits apply on top of these.
export type TRole = "owner" | "admin" | "technician" | "support";

export const ROLE_DESCRIPTIONS: Record<TRole, string> = {
  owner: "Everything, including staff and workspace settings.",
  admin: "Registers tenants and Azure apps, rotates secrets, manages staff.",
  technician: "Connects and repairs mailboxes and sends consent links.",
  support: "Reads health, diagnostics and logs. Changes nothing.",
};

export const canMutate = (role: TRole) => role !== "support";
export const canManageTenants = (role: TRole) => role === "owner" || role === "admin";
export const canManageApps = canManageTenants;
export const canManageStaff = (role: TRole) => role === "owner" || role === "admin";
export const canConnectMailboxes = (role: TRole) => role === "owner" || role === "admin" || role === "technician";

// Higher ranks can do everything lower ones can: nobody grants a role above their own.
export const ROLE_RANK: Record<TRole, number> = { support: 0, technician: 1, admin: 2, owner: 3 };
export const roleAtMost = (role: TRole, ceiling: TRole) => ROLE_RANK[role] <= ROLE_RANK[ceiling];
