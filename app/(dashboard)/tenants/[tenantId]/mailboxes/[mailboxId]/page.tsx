// One mailbox: state, diagnosis, token info panel, Connect / Re-connect, consent link.
import { notFound } from "next/navigation";
import { requirePageScope } from "@/lib/auth/session";
import { canConnectMailboxes } from "@/lib/auth/permissions";
import { getTenant } from "@/lib/tenants/get-tenant";
import { getMailbox } from "@/lib/mailboxes/manage-mailboxes";
import { MailboxClient } from "./mailbox-client";

export const metadata = { title: "Mailbox" };

export default async function MailboxPage({ params }: { params: Promise<{ tenantId: string; mailboxId: string }> }) {
  const { tenantId, mailboxId } = await params;
  const scope = await requirePageScope();
  const uuid = /^[0-9a-f-]{36}$/i;
  if (!uuid.test(tenantId) || !uuid.test(mailboxId)) notFound();
  const tenant = await getTenant({ workspaceId: scope.workspaceId, tenantId, scope });
  const mailbox = tenant ? await getMailbox({ workspaceId: scope.workspaceId, tenantId, mailboxId }) : null;
  if (!tenant || !mailbox) notFound();
  return (
    <MailboxClient
      tenantId={tenant.id}
      tenantName={tenant.displayName}
      mailboxId={mailbox.id}
      canConnect={canConnectMailboxes(scope.role)}
    />
  );
}
