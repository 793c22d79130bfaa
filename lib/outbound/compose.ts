// Turns an API or dashboard send request into the RFC 5322 message that is queued and sent as is:
// From is always the mailbox, Reply-To and the signature come from its settings unless given,
// and the Message-ID is fixed here so a retried send is recognizably the same message.
import { randomUUID } from "node:crypto";
import MailComposer from "nodemailer/lib/mail-composer";
import { z } from "zod";

const ZAddr = z.string().trim().toLowerCase().email("Use a valid email address.").max(254);

/** Exchange Online's default message size limit is 35 MB; the API keeps queued mail well under. */
export const MAX_ATTACHMENT_BYTES = 3 * 1024 * 1024;

const ZAttachment = z
  .object({
    filename: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .regex(/^[^\\/\r\n\0]+$/, "A file name, without a path."),
    contentType: z
      .string()
      .trim()
      .max(255)
      .regex(/^[\w.+-]+\/[\w.+-]+$/, "A MIME type like application/pdf.")
      .default("application/octet-stream"),
    contentBase64: z
      .string()
      .max(Math.ceil((MAX_ATTACHMENT_BYTES * 4) / 3) + 4)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, "Base64 content (no line breaks)."),
    /** Set to reference it from the html body as cid:<contentId> (an inline image). */
    contentId: z
      .string()
      .trim()
      .max(255)
      .regex(/^[\w.@-]+$/)
      .optional(),
  })
  .strict();

export const ZOutboundInput = z
  .object({
    to: z.array(ZAddr).min(1, "Name at least one recipient.").max(100),
    cc: z.array(ZAddr).max(100).default([]),
    bcc: z.array(ZAddr).max(100).default([]),
    subject: z.string().max(998).default(""),
    text: z.string().max(1_000_000).optional(),
    html: z.string().max(2_000_000).optional(),
    replyTo: ZAddr.optional(),
    /** Threading for helpdesk replies: the Message-ID this answers, and the thread's references. */
    inReplyTo: z
      .string()
      .trim()
      .max(998)
      .regex(/^<[^<>\s]+>$/, "Use a Message-ID like <id@host>.")
      .optional(),
    references: z
      .array(
        z
          .string()
          .trim()
          .max(998)
          .regex(/^<[^<>\s]+>$/, "Use Message-IDs like <id@host>."),
      )
      .max(100)
      .optional(),
    /** Append the mailbox's signature (default true). */
    signature: z.boolean().default(true),
    attachments: z.array(ZAttachment).max(20).default([]),
  })
  .strict()
  .refine((v) => v.text !== undefined || v.html !== undefined, { message: "Give a text or an html body.", path: ["text"] })
  .refine((v) => v.attachments.reduce((n, a) => n + Math.floor((a.contentBase64.length * 3) / 4), 0) <= MAX_ATTACHMENT_BYTES, {
    message: "Attachments may total at most 3 MB.",
    path: ["attachments"],
  });
export type TOutboundInput = z.infer<typeof ZOutboundInput>;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export async function composeMime(mb: { address: string; replyTo: string | null; signature: string | null }, input: TOutboundInput) {
  const domain = mb.address.split("@")[1] ?? "consentry.local";
  const messageId = `<${randomUUID()}@${domain}>`;
  const sig = input.signature && mb.signature?.trim() ? mb.signature.trim() : null;
  const text = input.text !== undefined ? (sig ? `${input.text}\n\n-- \n${sig}` : input.text) : undefined;
  const html =
    input.html !== undefined ? (sig ? `${input.html}<br><br>-- <br>${escapeHtml(sig).replace(/\n/g, "<br>")}` : input.html) : undefined;
  const composer = new MailComposer({
    from: mb.address,
    to: input.to,
    cc: input.cc.length ? input.cc : undefined,
    bcc: input.bcc.length ? input.bcc : undefined,
    replyTo: input.replyTo ?? mb.replyTo ?? undefined,
    subject: input.subject,
    text,
    html,
    messageId,
    inReplyTo: input.inReplyTo,
    references: input.references,
    date: new Date(),
    attachments: input.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: Buffer.from(a.contentBase64, "base64"),
      ...(a.contentId ? { cid: a.contentId } : {}),
    })),
  });
  // keepBcc: the SMTP envelope and Graph's MIME parser need Bcc to deliver; neither forwards it.
  const mail = composer.compile();
  (mail as unknown as { keepBcc: boolean }).keepBcc = true;
  const raw = await new Promise<Buffer>((resolve, reject) => mail.build((err, buf) => (err ? reject(err) : resolve(buf))));
  return { raw, messageId, recipients: [...new Set([...input.to, ...input.cc, ...input.bcc])] };
}

/** The message without its Bcc header (SMTP carries those recipients in the envelope only). */
export function withoutBcc(raw: Buffer): Buffer {
  const s = raw.toString("latin1");
  const end = s.search(/\r?\n\r?\n/);
  const head = end < 0 ? s : s.slice(0, end);
  const cleaned = head.replace(/^Bcc:.*(?:\r?\n[ \t].*)*(?:\r?\n|$)/gim, "");
  return Buffer.from(cleaned + (end < 0 ? "" : s.slice(end)), "latin1");
}
