// Register an Azure app for this tenant (owners and admins).
import { notFound } from "next/navigation";
import { requirePageScope } from "@/lib/auth/session";
import { canManageApps } from "@/lib/auth/permissions";
import { getTenant } from "@/lib/tenants/get-tenant";
import { azureSetupInfo } from "@/lib/apps/azure-setup-info";
import { isWorkspaceWide } from "@/lib/auth/guard";
import { NewAppClient } from "./new-app-client";

export const metadata = { title: "Register app" };

export default async function NewAppPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const scope = await requirePageScope();
  const tenant = /^[0-9a-f-]{36}$/i.test(tenantId) ? await getTenant({ workspaceId: scope.workspaceId, tenantId, scope }) : null;
  if (!tenant || !canManageApps(scope.role)) notFound();
  return (
    <NewAppClient
      tenantId={tenant.id}
      tenantName={tenant.displayName}
      info={azureSetupInfo(tenant.cloud, tenant.directoryId ?? tenant.primaryDomain ?? "organizations")}
      canMultiTenant={isWorkspaceWide(scope)}
    />
  );
}
