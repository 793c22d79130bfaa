import "server-only";
// The shared-mailbox setup wizard's state (issue 12 §1), kept per mailbox so it can be left and
// resumed where it stopped: permissions (what the delegate needs, with the tenant-filled
// PowerShell) → sign in (the delegate connects) → checks (live, per protocol) → done. The address
// and delegate are asked before the mailbox exists; from then on every step is stored here.
import type { Prisma } from "../db/generated/client";
import { db } from "../db/client";
import { badRequest, notFound } from "../core/errors";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import type { TMailboxRef } from "../core/scope";

export const SETUP_STEPS = ["permissions", "sign_in", "checks", "done"] as const;
export type TSetupStep = (typeof SETUP_STEPS)[number];

/** PowerShell (Exchange Online module) and Exchange admin center paths, filled for one mailbox. */
export function delegateCommands(shared: string, delegate: string) {
  return {
    connect: "Connect-ExchangeOnline",
    fullAccess: `Add-MailboxPermission -Identity "${shared}" -User "${delegate}" -AccessRights FullAccess -InheritanceType All`,
    sendAs: `Add-RecipientPermission -Identity "${shared}" -Trustee "${delegate}" -AccessRights SendAs`,
    sendOnBehalf: `Set-Mailbox -Identity "${shared}" -GrantSendOnBehalfTo @{Add="${delegate}"}`,
    eacFullAccess: `Exchange admin center → Recipients → Mailboxes → ${shared} → Delegation → Read and manage (Full Access) → Edit → Add members → ${delegate}`,
    eacSendAs: `Exchange admin center → Recipients → Mailboxes → ${shared} → Delegation → Send as → Edit → Add members → ${delegate}`,
  };
}

const select = {
  id: true,
  address: true,
  kind: true,
  delegateUpn: true,
  inbound: true,
  outbound: true,
  state: true,
  tenant: { select: { displayName: true } },
  grant: { select: { upn: true } },
  sharedSetup: { select: { step: true, createdByEmail: true, updatedAt: true } },
} satisfies Prisma.MailboxSelect;

export async function getSharedSetup(ref: TMailboxRef) {
  const mb = await db().mailbox.findFirst({
    where: { id: ref.mailboxId, workspaceId: ref.workspaceId, tenantId: ref.tenantId },
    select,
  });
  if (!mb) throw notFound("Mailbox");
  const delegate = mb.delegateUpn ?? "";
  return {
    mailbox: {
      id: mb.id,
      address: mb.address,
      kind: mb.kind,
      delegateUpn: mb.delegateUpn,
      inbound: mb.inbound,
      outbound: mb.outbound,
      state: mb.state,
      signedInAs: mb.grant?.upn ?? null,
      tenantName: mb.tenant.displayName,
    },
    /** Where the wizard stands; a shared mailbox added without it starts at the permissions step. */
    step: (mb.sharedSetup?.step ?? "permissions") as TSetupStep,
    started: !!mb.sharedSetup,
    updatedAt: mb.sharedSetup?.updatedAt.toISOString() ?? null,
    commands: mb.kind === "shared" ? delegateCommands(mb.address, delegate) : null,
  };
}

/** Moves the wizard to `step` (any step may be revisited). Only shared mailboxes have one. */
export async function saveSharedSetup(ref: TMailboxRef & { actor: TAuditActor }, step: TSetupStep) {
  const mb = await db().mailbox.findFirst({
    where: { id: ref.mailboxId, workspaceId: ref.workspaceId, tenantId: ref.tenantId },
    select: { kind: true },
  });
  if (!mb) throw notFound("Mailbox");
  if (mb.kind !== "shared") throw badRequest("Only a shared mailbox has a delegate setup.", { step: "This is a user mailbox." });
  await db().$transaction(async (tx) => {
    await tx.sharedMailboxSetup.upsert({
      where: { mailboxId: ref.mailboxId },
      create: { mailboxId: ref.mailboxId, workspaceId: ref.workspaceId, tenantId: ref.tenantId, step, createdByEmail: ref.actor.email },
      update: { step },
    });
    await writeAudit(tx, ref.actor, {
      action: "mailbox.shared_setup",
      targetType: "mailbox",
      targetId: ref.mailboxId,
      tenantId: ref.tenantId,
      detail: { step },
    });
  });
  return getSharedSetup(ref);
}

/** After the delegate connected: an unfinished wizard moves on to its checks, and the browser
 *  goes back to it. Returns the wizard's page when there is one to go back to. */
export async function resumeSetupAfterConnect(ref: TMailboxRef): Promise<string | null> {
  const r = await db().sharedMailboxSetup.updateMany({
    where: { mailboxId: ref.mailboxId, workspaceId: ref.workspaceId, tenantId: ref.tenantId, step: { in: ["permissions", "sign_in"] } },
    data: { step: "checks" },
  });
  const open =
    r.count > 0 ||
    (await db().sharedMailboxSetup.count({
      where: { mailboxId: ref.mailboxId, workspaceId: ref.workspaceId, tenantId: ref.tenantId, step: "checks" },
    })) > 0;
  return open ? `/tenants/${ref.tenantId}/mailboxes/${ref.mailboxId}/setup?connected=1` : null;
}
