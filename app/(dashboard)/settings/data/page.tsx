import { requirePageScope } from "@/lib/auth/session";
import { canManageStaff } from "@/lib/auth/permissions";
import { AdminOnly } from "@/components/shell/admin-only";
import { isWorkspaceWide } from "@/lib/auth/guard";
import { DataClient } from "./data-client";

export const metadata = { title: "Data retention" };

export default async function DataPage() {
  const scope = await requirePageScope();
  if (!canManageStaff(scope.role)) return <AdminOnly title="Data retention" what="data retention" />;
  return (
    <DataClient
      lockedReason={
        isWorkspaceWide(scope)
          ? null
          : "Data retention applies to every tenant, so only an owner or admin who sees all tenants can change it."
      }
    />
  );
}
