// Add a tenant (owners and admins).
import { notFound } from "next/navigation";
import { requirePageScope } from "@/lib/auth/session";
import { canManageTenants } from "@/lib/auth/permissions";
import { sandboxEnabled } from "@/lib/microsoft/trusted-microsoft-url";
import { NewTenantClient } from "./new-tenant-client";

export const metadata = { title: "Add tenant" };

export default async function NewTenantPage() {
  const scope = await requirePageScope();
  if (!canManageTenants(scope.role)) notFound();
  return <NewTenantClient sandboxEnabled={sandboxEnabled()} />;
}
