// Tenants the caller may see.
import { requirePageScope } from "@/lib/auth/session";
import { isWorkspaceWide } from "@/lib/auth/guard";
import { canConnectMailboxes } from "@/lib/auth/permissions";
import { TenantsClient } from "./tenants-client";

export const metadata = { title: "Tenants" };

export default async function TenantsPage() {
  const scope = await requirePageScope();
  return <TenantsClient canAdd={isWorkspaceWide(scope)} canImport={canConnectMailboxes(scope.role)} />;
}
