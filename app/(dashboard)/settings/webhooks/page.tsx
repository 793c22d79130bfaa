import { requirePageScope } from "@/lib/auth/session";
import { canManageStaff } from "@/lib/auth/permissions";
import { AdminOnly } from "@/components/shell/admin-only";
import { WebhooksClient } from "./webhooks-client";

export const metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  const scope = await requirePageScope();
  if (!canManageStaff(scope.role)) return <AdminOnly title="Webhooks" what="webhooks" />;
  return <WebhooksClient limitedTo={scope.hasAllTenants ? null : scope.tenantIds} />;
}
