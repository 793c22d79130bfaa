// Decoded view of a stored message (for Graph JSON and the admin listing), computed from raw MIME
// on demand so the in-memory index stays small.
import addressparser from "nodemailer/lib/addressparser/index.js";
import type { MailboxStore, StoredMessage } from "./mailbox-store";
import { decodeWords, getHeader } from "./mime-headers";
import { hasAttachments, mainBody, parseMime, textPreview } from "./mime-tree";

export type SummaryAddress = { name: string; address: string };

export type MessageSummary = {
  subject: string;
  from?: SummaryAddress;
  sender?: SummaryAddress;
  to: SummaryAddress[];
  cc: SummaryAddress[];
  replyTo: SummaryAddress[];
  sentAt?: Date;
  messageId?: string;
  hasAttachments: boolean;
  body: { contentType: "text" | "html"; content: string };
  preview: string;
};

function addrs(v: string | undefined): SummaryAddress[] {
  if (!v) return [];
  return addressparser(Buffer.from(v, "latin1").toString("utf8"), { flatten: true })
    .filter((a) => a.address)
    .map((a) => ({ name: decodeWords(Buffer.from(a.name, "utf8").toString("latin1")) || a.address!, address: a.address! }));
}

export function summarize(box: MailboxStore, msg: StoredMessage, withBody = true): MessageSummary {
  const raw = box.readRaw(msg);
  const tree = parseMime(raw);
  const h = tree.headers;
  const from = addrs(getHeader(h, "from"))[0];
  const sender = addrs(getHeader(h, "sender"))[0] ?? from;
  const date = getHeader(h, "date");
  const sentAt = date ? new Date(date) : undefined;
  const body = withBody ? mainBody(raw, tree) : { contentType: "text" as const, content: "" };
  return {
    subject: decodeWords(getHeader(h, "subject")),
    from,
    sender,
    to: addrs(getHeader(h, "to")),
    cc: addrs(getHeader(h, "cc")),
    replyTo: addrs(getHeader(h, "reply-to")),
    sentAt: sentAt && !Number.isNaN(sentAt.getTime()) ? sentAt : undefined,
    messageId: getHeader(h, "message-id"),
    hasAttachments: hasAttachments(tree),
    body,
    preview: withBody ? textPreview(body) : "",
  };
}
