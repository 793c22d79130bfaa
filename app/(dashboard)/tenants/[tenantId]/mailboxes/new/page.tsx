// Add a mailbox to the tenant (owners, admins, technicians).
import { notFound } from "next/navigation";
import { requirePageScope } from "@/lib/auth/session";
import { canConnectMailboxes } from "@/lib/auth/permissions";
import { getTenant } from "@/lib/tenants/get-tenant";
import { NewMailboxClient } from "./new-mailbox-client";

export const metadata = { title: "Add mailbox" };

export default async function NewMailboxPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const scope = await requirePageScope();
  const tenant = /^[0-9a-f-]{36}$/i.test(tenantId) ? await getTenant({ workspaceId: scope.workspaceId, tenantId, scope }) : null;
  if (!tenant || !canConnectMailboxes(scope.role)) notFound();
  return <NewMailboxClient tenantId={tenant.id} tenantName={tenant.displayName} domain={tenant.primaryDomain} />;
}
