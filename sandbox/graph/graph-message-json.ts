// Graph's message and mailFolder resource shapes, built from the shared mail store.
import { createHash } from "node:crypto";
import type { Folder, MailboxStore, StoredMessage } from "../mail/store/mailbox-store";
import { summarize, type SummaryAddress } from "../mail/store/message-summary";
import { graphDate } from "./graph-http";

const recipient = (a: SummaryAddress) => ({ emailAddress: { name: a.name, address: a.address } });

export function etag(m: StoredMessage) {
  return `W/"CQAAABYAAA${Buffer.from(`${m.id.slice(-6)}${m.modseq}`).toString("base64")}"`;
}

function conversationId(subject: string) {
  const norm = subject
    .replace(/^((re|fw|fwd|aw|sv)\s*:\s*)+/i, "")
    .trim()
    .toLowerCase();
  return "AAQkAD" + createHash("sha256").update(norm).digest("base64url").slice(0, 40) + "=";
}

/** Full Graph message JSON; `select` limits it to the named properties (plus id and etag). */
export function messageJson(box: MailboxStore, folder: Folder, m: StoredMessage, select?: string[]) {
  const wantBody = !select || select.some((s) => s === "body" || s === "bodyPreview" || s === "hasAttachments");
  const s = summarize(box, m, wantBody);
  const received = graphDate(m.date);
  const full: Record<string, unknown> = {
    "@odata.etag": etag(m),
    id: m.id,
    createdDateTime: received,
    lastModifiedDateTime: received,
    changeKey: etag(m).slice(3, -1),
    categories: [],
    receivedDateTime: received,
    sentDateTime: graphDate(s.sentAt ?? m.date),
    hasAttachments: s.hasAttachments,
    internetMessageId: s.messageId ?? null,
    subject: s.subject,
    bodyPreview: s.preview,
    importance: "normal",
    parentFolderId: folder.id,
    conversationId: conversationId(s.subject),
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: m.flags.includes("\\Seen"),
    isDraft: m.flags.includes("\\Draft"),
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(m.id)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: "focused",
    body: s.body,
    sender: s.sender ? recipient(s.sender) : null,
    from: s.from ? recipient(s.from) : null,
    toRecipients: s.to.map(recipient),
    ccRecipients: s.cc.map(recipient),
    bccRecipients: [],
    replyTo: s.replyTo.map(recipient),
    flag: { flagStatus: m.flags.includes("\\Flagged") ? "flagged" : "notFlagged" },
  };
  if (!select) return full;
  const out: Record<string, unknown> = { "@odata.etag": full["@odata.etag"], id: m.id };
  for (const k of select) if (k in full) out[k] = full[k];
  return out;
}

export function folderJson(box: MailboxStore, f: Folder) {
  const parent = f.name.includes("/") ? box.folderByPath(f.name.slice(0, f.name.lastIndexOf("/"))) : undefined;
  return {
    id: f.id,
    displayName: f.name === "INBOX" ? "Inbox" : f.name.split("/").pop(),
    parentFolderId: parent?.id ?? "AAMkADmsgfolderroot",
    childFolderCount: box.folders.filter((x) => x.name.startsWith(f.name + "/") && !x.name.slice(f.name.length + 1).includes("/")).length,
    unreadItemCount: f.messages.reduce((n, m) => n + (m.flags.includes("\\Seen") ? 0 : 1), 0),
    totalItemCount: f.messages.length,
    sizeInBytes: f.messages.reduce((n, m) => n + m.size, 0),
    isHidden: false,
  };
}
