// The shared-mailbox wizard's first steps: the shared address, then the delegate who signs in
// (owners, admins, technicians). Creating the mailbox stores the wizard, which resumes from there.
import { notFound } from "next/navigation";
import { requirePageScope } from "@/lib/auth/session";
import { canConnectMailboxes } from "@/lib/auth/permissions";
import { getTenant } from "@/lib/tenants/get-tenant";
import { SharedStartClient } from "./shared-start-client";

export const metadata = { title: "Add a shared mailbox" };

export default async function NewSharedMailboxPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const scope = await requirePageScope();
  const tenant = /^[0-9a-f-]{36}$/i.test(tenantId) ? await getTenant({ workspaceId: scope.workspaceId, tenantId, scope }) : null;
  if (!tenant || !canConnectMailboxes(scope.role)) notFound();
  return <SharedStartClient tenantId={tenant.id} tenantName={tenant.displayName} domain={tenant.primaryDomain} />;
}
