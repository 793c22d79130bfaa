import { requirePageScope } from "@/lib/auth/session";
import { canManageStaff } from "@/lib/auth/permissions";
import { StaffClient } from "./staff-client";

export const metadata = { title: "Staff" };

export default async function StaffPage() {
  const scope = await requirePageScope();
  return (
    <StaffClient
      canManage={canManageStaff(scope.role)}
      isOwner={scope.role === "owner"}
      me={scope.staffUserId}
      myRole={scope.role}
      limitedTo={scope.hasAllTenants ? null : scope.tenantIds}
    />
  );
}
