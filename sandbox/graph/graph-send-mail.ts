// POST /sendMail: JSON {message, saveToSentItems} or text/plain base64 MIME -> 202
// (https://learn.microsoft.com/en-us/graph/api/user-sendmail).
// Sending as another mailbox (From) needs send rights on that mailbox too.
import { randomUUID } from "node:crypto";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import addressparser from "nodemailer/lib/addressparser/index.js";
import { z } from "zod";
import type { MailboxOwner, SandboxContext } from "../contracts";
import { deliverMessage } from "../mail/deliver";
import type { MailStore } from "../mail/store/mail-store";
import { getHeader, headerEnd, parseHeaders } from "../mail/store/mime-headers";
import { authorizeMailbox, type Principal } from "./graph-auth";
import { errors, GraphError, json, sendJson, type GraphReq } from "./graph-http";

const ZRecipient = z.object({ emailAddress: z.object({ address: z.string().email(), name: z.string().optional() }) });
const ZSendMail = z.object({
  message: z.object({
    subject: z.string().default(""),
    body: z
      .object({ contentType: z.string().default("text"), content: z.string().default("") })
      .default({ contentType: "text", content: "" }),
    toRecipients: z.array(ZRecipient).default([]),
    ccRecipients: z.array(ZRecipient).default([]),
    bccRecipients: z.array(ZRecipient).default([]),
    from: ZRecipient.optional(),
    internetMessageHeaders: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  }),
  saveToSentItems: z.union([z.boolean(), z.string()]).optional(),
});

function buildMime(owner: MailboxOwner, msg: z.infer<typeof ZSendMail>["message"]): Promise<Buffer> {
  const addr = (r: z.infer<typeof ZRecipient>) => ({ name: r.emailAddress.name ?? "", address: r.emailAddress.address });
  const fromAddr = msg.from
    ? addr(msg.from)
    : { name: owner.kind === "user" ? owner.user.displayName : owner.shared.displayName, address: owner.address };
  const html = msg.body.contentType.toLowerCase() === "html";
  const composer = new MailComposer({
    from: fromAddr,
    to: msg.toRecipients.map(addr),
    cc: msg.ccRecipients.map(addr),
    subject: msg.subject,
    ...(html ? { html: msg.body.content } : { text: msg.body.content }),
    headers: Object.fromEntries((msg.internetMessageHeaders ?? []).map((h) => [h.name, h.value])),
    messageId: `<${randomUUID()}@MW2PR1901MB2155.namprd19.prod.outlook.com>`,
  });
  return new Promise((resolve, reject) => composer.compile().build((err: Error | null, buf: Buffer) => (err ? reject(err) : resolve(buf))));
}

export async function sendMail(ctx: SandboxContext, store: MailStore, g: GraphReq, p: Principal, owner: MailboxOwner) {
  const ct = String(g.req.headers["content-type"] ?? "").toLowerCase();
  let raw: Buffer;
  let saveToSent = true;
  if (ct.startsWith("text/plain")) {
    const text = g.body.toString("latin1").trim();
    if (!text || !/^[A-Za-z0-9+/=\r\n]+$/.test(text))
      throw new GraphError(400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.");
    raw = Buffer.from(text, "base64");
  } else {
    const body = ZSendMail.safeParse(json(g));
    if (!body.success) throw errors.badRequest("Empty Payload. JSON content expected.", "ErrorInvalidRequest");
    saveToSent = body.data.saveToSentItems !== false && body.data.saveToSentItems !== "false";
    raw = await buildMime(owner, body.data.message);
  }
  const h = parseHeaders(raw.subarray(0, headerEnd(raw)));
  const from = addressparser(getHeader(h, "from") ?? "", { flatten: true })[0]?.address?.toLowerCase() ?? owner.address;
  if (from !== owner.address) {
    // Sending as another mailbox needs send rights on it too.
    const other = ctx.directory.resolveMailbox(from);
    if (!other || other.tenantId !== owner.tenantId)
      throw new GraphError(
        403,
        "ErrorSendAsDenied",
        "The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account., Cannot submit message.",
      );
    authorizeMailbox(p, other, "send", ctx);
  }
  const rcpts = ["to", "cc", "bcc"]
    .flatMap((k) => addressparser(getHeader(h, k) ?? "", { flatten: true }).map((a) => a.address ?? ""))
    .filter(Boolean);
  if (!rcpts.length) throw errors.badRequest("At least one recipient is required, but none were found.", "ErrorInvalidRecipients");
  // Bcc must not travel with the delivered copy.
  const clean = Buffer.from(raw.toString("latin1").replace(/^Bcc:.*(\r?\n[ \t].*)*\r?\n/im, ""), "latin1");
  deliverMessage(store, { raw: clean, recipients: rcpts, sentBy: from === owner.address ? owner.address : from, via: "graph", saveToSent });
  sendJson(g, 202, undefined);
}
