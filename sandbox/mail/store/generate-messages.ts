// Realistic generated mail (headers, bodies, some attachments) from a seeded PRNG, so demo data
// and benchmarks are reproducible.

export function prng(seed: number) {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  "Olivia",
  "Liam",
  "Emma",
  "Noah",
  "Ava",
  "Mateo",
  "Sofia",
  "Lucas",
  "Mia",
  "Ethan",
  "Chloe",
  "Arjun",
  "Yuki",
  "Fatima",
  "Lars",
  "Ines",
];
const LAST = ["Johnson", "Garcia", "Müller", "Nguyen", "Okafor", "Rossi", "Kowalski", "Tanaka", "Dubois", "Silva", "Patel", "Andersen"];
const DOMAINS = [
  "northwindtraders.com",
  "adventure-works.com",
  "tailspintoys.com",
  "wingtiptoys.com",
  "fourthcoffee.com",
  "litwareinc.com",
];
const SUBJECTS = [
  "Invoice {n} for October",
  "Re: Quarterly review agenda",
  "Meeting notes – project {n}",
  "Your ticket #{n} has been updated",
  "Fwd: Contract renewal",
  "Shipping confirmation {n}",
  "Welcome aboard!",
  "Re: Re: Printer on 3rd floor",
  "Password expiry reminder",
  "Lunch on Friday?",
  "Security alert for your account",
  "Draft proposal v{n}",
];
const LINES = [
  "Please find the details below and let me know if anything is missing.",
  "Thanks for the quick turnaround on this, much appreciated.",
  "Could we move the call to Thursday afternoon instead?",
  "The numbers look good overall, but the Q3 forecast needs another pass.",
  "I've attached the latest version for your review.",
  "As discussed, the migration window is Saturday 02:00–04:00 UTC.",
  "Let me know if you have any questions.",
  "Reminder: the office will be closed on Monday.",
];

export type GeneratedMessage = { raw: Buffer; date: Date; seen: boolean };

export type GenerateOptions = {
  to: string;
  toName?: string;
  count: number;
  size?: number; // approximate total size in bytes (body padded to reach it)
  seed?: number;
  now?: Date;
  spreadDays?: number; // dates spread over the last N days
  attachmentRatio?: number; // 0..1
  unreadRatio?: number; // 0..1
};

function pick<T>(r: () => number, a: T[]): T {
  return a[Math.floor(r() * a.length)];
}

function b64lines(buf: Buffer) {
  return buf.toString("base64").replace(/.{76}/g, "$&\r\n");
}

export function generateMessages(o: GenerateOptions): GeneratedMessage[] {
  const r = prng(o.seed ?? 42);
  const now = (o.now ?? new Date()).getTime();
  const spread = (o.spreadDays ?? 30) * 86_400_000;
  const out: GeneratedMessage[] = [];
  for (let i = 0; i < o.count; i++) {
    const first = pick(r, FIRST);
    const last = pick(r, LAST);
    const domain = pick(r, DOMAINS);
    const from = `"${first} ${last}" <${first.toLowerCase()}.${last.toLowerCase().replace(/[^a-z]/g, "")}@${domain}>`;
    const n = 1000 + Math.floor(r() * 9000);
    const subject = pick(r, SUBJECTS).replace("{n}", String(n));
    // Dates ascend with i so the mailbox's UID order matches arrival order.
    const date = new Date(now - spread + Math.floor(((i + r()) / o.count) * spread));
    const msgId = `<${date.getTime().toString(36)}.${i}.${Math.floor(r() * 1e9).toString(36)}@${domain}>`;
    const withAttachment = r() < (o.attachmentRatio ?? 0.1);
    const subjectHeader = /[^\x20-\x7e]/.test(subject) ? `=?UTF-8?B?${Buffer.from(subject).toString("base64")}?=` : subject;
    const fromHeader = /[^\x20-\x7e]/.test(from)
      ? from.replace(/"([^"]+)"/, (_m, name: string) => `=?UTF-8?B?${Buffer.from(name).toString("base64")}?=`)
      : from;
    const headers = [
      `From: ${fromHeader}`,
      `To: ${o.toName ? `"${o.toName}" ` : ""}<${o.to}>`,
      `Subject: ${subjectHeader}`,
      `Date: ${date.toUTCString().replace("GMT", "+0000")}`,
      `Message-ID: ${msgId}`,
      "MIME-Version: 1.0",
    ];
    let text = `Hi,\r\n\r\n${pick(r, LINES)}\r\n${pick(r, LINES)}\r\n\r\nBest regards,\r\n${first} ${last}\r\n`;
    const target = o.size ?? 0;
    const base = headers.join("\r\n").length + text.length + (withAttachment ? 700 : 120);
    if (target > base) {
      let pad = "";
      while (pad.length < target - base) pad += pick(r, LINES) + "\r\n";
      text += "\r\n" + pad.slice(0, target - base);
    }
    let raw: string;
    if (withAttachment) {
      const boundary = `----=_Part_${i}_${n}`;
      const attachment = Buffer.from(`Report ${n}\nGenerated for ${o.to}\n${"col1,col2,col3\n".repeat(12)}`);
      raw =
        headers.join("\r\n") +
        `\r\nContent-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n` +
        `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${text}\r\n` +
        `--${boundary}\r\nContent-Type: text/csv; name="report-${n}.csv"\r\nContent-Disposition: attachment; filename="report-${n}.csv"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64lines(attachment)}\r\n` +
        `--${boundary}--\r\n`;
    } else {
      raw = headers.join("\r\n") + `\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${text}`;
    }
    out.push({ raw: Buffer.from(raw, "utf8"), date, seen: r() >= (o.unreadRatio ?? 0.3) });
  }
  return out;
}
