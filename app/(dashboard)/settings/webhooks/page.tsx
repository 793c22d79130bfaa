import { requirePageScope } from "@/lib/auth/session";
import { canManageStaff } from "@/lib/auth/permissions";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/card";
import { WebhooksClient } from "./webhooks-client";

export const metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  const scope = await requirePageScope();
  if (!canManageStaff(scope.role)) {
    return (
      <div>
        <PageHeader title="Webhooks" />
        <EmptyState title="Only owners and admins manage webhooks" />
      </div>
    );
  }
  return <WebhooksClient limitedTo={scope.hasAllTenants ? null : scope.tenantIds} />;
}
