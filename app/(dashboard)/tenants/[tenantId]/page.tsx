// One tenant: details, app registrations, mailboxes, organization consent.
// A tenant outside the caller's scope renders the same 404 as a missing one.
import { notFound } from "next/navigation";
import { requirePageScope } from "@/lib/auth/session";
import { canConnectMailboxes, canManageApps, canManageTenants } from "@/lib/auth/permissions";
import { getTenant } from "@/lib/tenants/get-tenant";
import { sandboxEnabled } from "@/lib/microsoft/trusted-microsoft-url";
import { TenantClient } from "./tenant-client";

export default async function TenantPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const scope = await requirePageScope();
  if (!/^[0-9a-f-]{36}$/i.test(tenantId)) notFound();
  const tenant = await getTenant({ workspaceId: scope.workspaceId, tenantId, scope });
  if (!tenant) notFound();
  return (
    <TenantClient
      tenantId={tenantId}
      initialName={tenant.displayName}
      sandboxEnabled={sandboxEnabled()}
      can={{ manageTenant: canManageTenants(scope.role), manageApps: canManageApps(scope.role), connect: canConnectMailboxes(scope.role) }}
    />
  );
}

export async function generateMetadata() {
  return { title: "Tenant" };
}
