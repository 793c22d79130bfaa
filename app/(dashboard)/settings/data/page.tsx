import { requirePageScope } from "@/lib/auth/session";
import { canManageStaff } from "@/lib/auth/permissions";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/card";
import { DataClient } from "./data-client";

export const metadata = { title: "Data retention" };

export default async function DataPage() {
  const scope = await requirePageScope();
  if (!canManageStaff(scope.role)) {
    return (
      <div>
        <PageHeader title="Data retention" />
        <EmptyState title="Only owners and admins manage data retention" />
      </div>
    );
  }
  return <DataClient />;
}
