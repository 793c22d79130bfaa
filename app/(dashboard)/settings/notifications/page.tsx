import { requirePageScope } from "@/lib/auth/session";
import { canManageTenants } from "@/lib/auth/permissions";
import { isWorkspaceWide } from "@/lib/auth/guard";
import { NotificationsClient } from "./notifications-client";

export const metadata = { title: "Notifications" };

export default async function NotificationsPage() {
  const scope = await requirePageScope();
  // Notifier and alerts serve every tenant: changed only by an all-tenant owner or admin.
  const lockedReason =
    canManageTenants(scope.role) && !isWorkspaceWide(scope)
      ? "Notifications serve every tenant, so only an owner or admin who sees all tenants can change them."
      : null;
  return <NotificationsClient canManage={isWorkspaceWide(scope)} lockedReason={lockedReason} myEmail={scope.email} />;
}
