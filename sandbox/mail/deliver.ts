// Delivery shared by SMTP, Graph sendMail and the admin API: sandbox recipients get the message in
// their Inbox at once (which wakes IDLE sessions and Graph subscriptions), external recipients
// land in the outbox the admin API lists, and the sender keeps a copy in Sent Items.
import { randomUUID } from "node:crypto";
import type { MailStore } from "./store/mail-store";
import { decodeWords, getHeader, headerEnd, parseHeaders } from "./store/mime-headers";

export type DeliveryResult = { delivered: string[]; external: string[] };

export function deliverMessage(
  store: MailStore,
  opts: { raw: Buffer; recipients: string[]; sentBy?: string; via: "smtp" | "graph" | "admin"; saveToSent?: boolean },
): DeliveryResult {
  const delivered: string[] = [];
  const external: string[] = [];
  const seen = new Set<string>();
  const now = store.ctx.now();
  const raw = withReceivedHeaders(opts.raw, now);
  for (const rcpt of opts.recipients.map((r) => r.toLowerCase())) {
    if (seen.has(rcpt)) continue;
    seen.add(rcpt);
    const box = store.existing(rcpt);
    if (box) {
      box.append(box.folder("inbox")!, [{ raw, date: now }]);
      delivered.push(rcpt);
    } else external.push(rcpt);
  }
  if (external.length) {
    const h = parseHeaders(raw.subarray(0, headerEnd(raw)));
    store.outbox.push({
      id: randomUUID(),
      at: now.toISOString(),
      from: opts.sentBy ?? "",
      to: external,
      size: raw.length,
      subject: decodeWords(getHeader(h, "subject")),
      via: opts.via === "graph" ? "graph" : "smtp",
    });
    if (store.outbox.length > 10_000) store.outbox.splice(0, store.outbox.length - 10_000);
  }
  if (opts.sentBy && opts.saveToSent !== false) {
    const box = store.existing(opts.sentBy);
    if (box) box.append(box.folder("sentitems")!, [{ raw: opts.raw, date: now, flags: ["\\Seen"] }]);
  }
  return { delivered, external };
}

function withReceivedHeaders(raw: Buffer, now: Date): Buffer {
  const head = raw.subarray(0, headerEnd(raw)).toString("latin1");
  const extra: string[] = [];
  if (!/^date:/im.test(head)) extra.push(`Date: ${now.toUTCString().replace("GMT", "+0000")}`);
  if (!/^message-id:/im.test(head)) extra.push(`Message-ID: <${randomUUID()}@MW2PR1901MB2155.namprd19.prod.outlook.com>`);
  if (!extra.length) return raw;
  return Buffer.concat([Buffer.from(extra.join("\r\n") + "\r\n", "latin1"), raw]);
}
