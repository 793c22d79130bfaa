import { requirePageScope } from "@/lib/auth/session";
import { canManageStaff } from "@/lib/auth/permissions";
import { AdminOnly } from "@/components/shell/admin-only";
import { ApiKeysClient } from "./api-keys-client";

export const metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const scope = await requirePageScope();
  if (!canManageStaff(scope.role))
    return <AdminOnly title="API keys" what="API keys" body="Ask one of them for a key for your helpdesk or monitoring tool." />;
  return <ApiKeysClient limitedTo={scope.hasAllTenants ? null : scope.tenantIds} />;
}
