import { requirePageScope } from "@/lib/auth/session";
import { canManageTenants } from "@/lib/auth/permissions";
import { NotificationsClient } from "./notifications-client";

export const metadata = { title: "Notifications" };

export default async function NotificationsPage() {
  const scope = await requirePageScope();
  return <NotificationsClient canManage={canManageTenants(scope.role)} myEmail={scope.email} />;
}
