import { requirePageScope } from "@/lib/auth/session";
import { canManageStaff } from "@/lib/auth/permissions";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/card";
import { ApiKeysClient } from "./api-keys-client";

export const metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const scope = await requirePageScope();
  if (!canManageStaff(scope.role)) {
    return (
      <div>
        <PageHeader title="API keys" />
        <EmptyState title="Only owners and admins manage API keys" body="Ask one of them for a key for your helpdesk or monitoring tool." />
      </div>
    );
  }
  return <ApiKeysClient limitedTo={scope.hasAllTenants ? null : scope.tenantIds} />;
}
