// One app registration: what to paste into Azure, verify, rotate the secret.
import { notFound } from "next/navigation";
import { requirePageScope } from "@/lib/auth/session";
import { canManageApps, canMutate } from "@/lib/auth/permissions";
import { getTenant } from "@/lib/tenants/get-tenant";
import { getApp } from "@/lib/apps/get-app";
import { azureSetupInfo } from "@/lib/apps/azure-setup-info";
import { isWorkspaceWide } from "@/lib/auth/guard";
import { AppClient } from "./app-client";

export const metadata = { title: "App registration" };

export default async function AppPage({ params }: { params: Promise<{ tenantId: string; appId: string }> }) {
  const { tenantId, appId } = await params;
  const scope = await requirePageScope();
  const uuid = /^[0-9a-f-]{36}$/i;
  if (!uuid.test(tenantId) || !uuid.test(appId)) notFound();
  const [tenant, app] = await Promise.all([
    getTenant({ workspaceId: scope.workspaceId, tenantId, scope }),
    getApp({ workspaceId: scope.workspaceId, appId, scope }),
  ]);
  if (!tenant || !app || (app.tenantId && app.tenantId !== tenant.id)) notFound();
  // A multi-tenant app serves every tenant: only an all-tenant owner or admin changes it (lib/apps/app-access.ts).
  const shared = app.tenantId === null && !isWorkspaceWide(scope);
  return (
    <AppClient
      tenantId={tenant.id}
      tenantName={tenant.displayName}
      appId={app.id}
      info={azureSetupInfo(tenant.cloud, tenant.directoryId ?? tenant.primaryDomain ?? "organizations")}
      can={{ manage: canManageApps(scope.role) && !shared, verify: canMutate(scope.role) && !shared }}
      lockedReason={
        shared && canMutate(scope.role)
          ? "This multi-tenant app serves every tenant, so only an owner or admin who sees all tenants can verify, rotate, edit or delete it."
          : null
      }
    />
  );
}
