// Tenants the caller may see.
import { requirePageScope } from "@/lib/auth/session";
import { canManageTenants } from "@/lib/auth/permissions";
import { TenantsClient } from "./tenants-client";

export const metadata = { title: "Tenants" };

export default async function TenantsPage() {
  const scope = await requirePageScope();
  return <TenantsClient canAdd={canManageTenants(scope.role)} />;
}
