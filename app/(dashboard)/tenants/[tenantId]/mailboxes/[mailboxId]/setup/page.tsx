// A shared mailbox's setup wizard, resumed where it stopped: permissions → the delegate signs in
// → live checks → done.
import { notFound } from "next/navigation";
import { requirePageScope } from "@/lib/auth/session";
import { canConnectMailboxes } from "@/lib/auth/permissions";
import { getTenant } from "@/lib/tenants/get-tenant";
import { getMailbox } from "@/lib/mailboxes/manage-mailboxes";
import { SetupClient } from "./setup-client";

export const metadata = { title: "Shared mailbox setup" };

export default async function SharedSetupPage({ params }: { params: Promise<{ tenantId: string; mailboxId: string }> }) {
  const { tenantId, mailboxId } = await params;
  const scope = await requirePageScope();
  const uuid = /^[0-9a-f-]{36}$/i;
  if (!uuid.test(tenantId) || !uuid.test(mailboxId)) notFound();
  const tenant = await getTenant({ workspaceId: scope.workspaceId, tenantId, scope });
  const mailbox = tenant ? await getMailbox({ workspaceId: scope.workspaceId, tenantId, mailboxId }) : null;
  if (!tenant || !mailbox || mailbox.kind !== "shared") notFound();
  return <SetupClient tenantId={tenant.id} mailboxId={mailbox.id} canConnect={canConnectMailboxes(scope.role)} />;
}
