// Mailbox input shapes, shared by the form and the route handlers.
import { z } from "zod";

const ZAddress = z.string().trim().toLowerCase().email("Enter a mailbox address like helpdesk@contoso.com.").max(254);

const base = {
  address: ZAddress,
  kind: z.enum(["user", "shared"]),
  delegateUpn: ZAddress.nullish(),
  // The user's sign-in name (UPN) when it differs from the address; the login hint at Connect.
  signInName: z.string().trim().toLowerCase().email("Enter a sign-in name like j.doe@contoso.com.").max(254).nullish(),
  appRegistrationId: z.string().uuid("Pick the app registration to connect with."),
  inbound: z.enum(["imap", "pop", "graph", "none"]),
  outbound: z.enum(["smtp", "graph", "none"]),
  folder: z.string().trim().min(1).max(200).default("INBOX"),
  afterProcessing: z.enum(["keep", "mark_read", "move", "delete"]).default("keep"),
  moveToFolder: z.string().trim().min(1).max(200).nullish(),
  // Deleting from the Inbox loses people's mail; the form must name that risk and get a yes.
  confirmDelete: z.boolean().optional(),
  replyTo: ZAddress.nullish(),
  signature: z.string().max(5000).nullish(),
};

type TShape = {
  kind?: string;
  signInName?: string | null;
  delegateUpn?: string | null;
  address?: string;
  afterProcessing?: string;
  moveToFolder?: string | null;
  confirmDelete?: boolean;
  inbound?: string;
};

function rules(m: TShape, ctx: z.RefinementCtx) {
  if (m.kind === "shared" && !m.delegateUpn)
    ctx.addIssue({
      code: "custom",
      path: ["delegateUpn"],
      message: "A shared mailbox needs the delegate who signs in (holds FullAccess).",
    });
  if (m.kind === "shared" && m.delegateUpn && m.delegateUpn === m.address)
    ctx.addIssue({ code: "custom", path: ["delegateUpn"], message: "The delegate is a user, not the shared mailbox itself." });
  if (m.kind === "shared" && m.signInName)
    ctx.addIssue({ code: "custom", path: ["signInName"], message: "A shared mailbox never signs in: its delegate does." });
  if (m.afterProcessing === "move" && !m.moveToFolder)
    ctx.addIssue({ code: "custom", path: ["moveToFolder"], message: "Name the folder to move processed mail to." });
  // POP3 has no flags or folders: it can only keep or delete.
  if (m.inbound === "pop" && (m.afterProcessing === "mark_read" || m.afterProcessing === "move"))
    ctx.addIssue({
      code: "custom",
      path: ["afterProcessing"],
      message: "POP3 can only keep or delete processed mail (it has no read flags or folders).",
    });
  if (m.afterProcessing === "delete" && !m.confirmDelete)
    ctx.addIssue({ code: "custom", path: ["confirmDelete"], message: "Confirm that processed mail will be deleted from the mailbox." });
}

export const ZMailboxCreate = z.object(base).strict().superRefine(rules);
export const ZMailboxUpdate = z
  .object(base)
  .omit({ address: true, kind: true })
  // No defaults on an update: a PATCH of one field must not reset the folder or the rule.
  .extend({ folder: z.string().trim().min(1).max(200), afterProcessing: z.enum(["keep", "mark_read", "move", "delete"]) })
  .partial()
  // A change that needs a new consent (another app, another delegate, a protocol the grant lacks)
  // removes the grant: the request must say it means that (see lib/mailboxes/settings-effect.ts).
  .extend({ confirmReconsent: z.boolean().optional() })
  .strict()
  .superRefine(rules);

export type TMailboxCreate = z.infer<typeof ZMailboxCreate>;
export type TMailboxUpdate = z.infer<typeof ZMailboxUpdate>;
