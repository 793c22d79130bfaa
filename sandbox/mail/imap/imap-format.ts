// IMAP response pieces built from raw MIME: ENVELOPE, BODYSTRUCTURE, BODY[section] extraction
// and INTERNALDATE. Strings are "binary" (latin1) so bytes pass through unchanged.
import addressparser from "nodemailer/lib/addressparser/index.js";
import { getHeader, parseHeaders } from "../store/mime-headers";
import { findPart, parseMime, type MimeNode } from "../store/mime-tree";
import { imapString } from "./imap-parser";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export function internalDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `"${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000"`;
}

/** Parses IMAP dates ("1-Feb-1994" or date-time with time and zone). */
export function parseImapDate(s: string): Date | undefined {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})(?: (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d))?$/.exec(s.trim());
  if (!m) return undefined;
  const mon = MONTHS.findIndex((x) => x.toLowerCase() === m[2].toLowerCase());
  if (mon < 0) return undefined;
  let t = Date.UTC(Number(m[3]), mon, Number(m[1]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  if (m[7]) t -= (m[7] === "-" ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9])) * 60_000;
  return new Date(t);
}

function addressList(v: string | undefined): string {
  if (!v) return "NIL";
  const list = addressparser(v);
  if (!list.length) return "NIL";
  const one = (a: { name: string; address?: string }) => {
    const [mailbox, host] = (a.address ?? "").split("@");
    return `(${imapString(a.name || null)} NIL ${imapString(mailbox || null)} ${imapString(host || null)})`;
  };
  const parts: string[] = [];
  for (const a of list) {
    if (a.group) {
      parts.push(`(NIL NIL ${imapString(a.name)} NIL)`, ...a.group.map(one), "(NIL NIL NIL NIL)");
    } else parts.push(one(a));
  }
  return "(" + parts.join("") + ")";
}

export function envelope(node: MimeNode): string {
  const h = node.headers;
  const from = getHeader(h, "from");
  return (
    "(" +
    [
      imapString(getHeader(h, "date") ?? null),
      imapString(getHeader(h, "subject") ?? null),
      addressList(from),
      addressList(getHeader(h, "sender") ?? from),
      addressList(getHeader(h, "reply-to") ?? from),
      addressList(getHeader(h, "to")),
      addressList(getHeader(h, "cc")),
      addressList(getHeader(h, "bcc")),
      imapString(getHeader(h, "in-reply-to") ?? null),
      imapString(getHeader(h, "message-id") ?? null),
    ].join(" ") +
    ")"
  );
}

function paramList(p: Record<string, string>): string {
  const keys = Object.keys(p);
  if (!keys.length) return "NIL";
  return (
    "(" + keys.map((k) => `${imapString(k.toUpperCase())} ${imapString(Buffer.from(p[k], "utf8").toString("latin1"))}`).join(" ") + ")"
  );
}

function countLines(raw: Buffer, start: number, end: number) {
  let n = 0;
  for (let i = raw.indexOf(10, start); i >= 0 && i < end; i = raw.indexOf(10, i + 1)) n++;
  return end > start && raw[end - 1] !== 10 ? n + 1 : n;
}

export function bodystructure(raw: Buffer, node: MimeNode, extended = true): string {
  const disp = node.disposition ? `(${imapString(node.disposition.value.toUpperCase())} ${paramList(node.disposition.params)})` : "NIL";
  if (node.type === "multipart") {
    const kids = node.children.length
      ? node.children.map((c) => bodystructure(raw, c, extended)).join("")
      : `("TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0)`;
    const params = { ...node.params };
    return `(${kids} ${imapString(node.subtype.toUpperCase())}${extended ? ` ${paramList(params)} ${disp} NIL NIL` : ""})`;
  }
  const size = node.end - node.bodyStart;
  const base = [
    imapString(node.type.toUpperCase()),
    imapString(node.subtype.toUpperCase()),
    paramList(node.params),
    imapString(getHeader(node.headers, "content-id") ?? null),
    imapString(getHeader(node.headers, "content-description") ?? null),
    imapString(node.encoding.toUpperCase()),
    String(size),
  ];
  if (node.type === "text") base.push(String(countLines(raw, node.bodyStart, node.end)));
  else if (node.type === "message" && node.subtype === "rfc822" && node.children[0]) {
    base.push(
      envelope(node.children[0]),
      bodystructure(raw, node.children[0], extended),
      String(countLines(raw, node.bodyStart, node.end)),
    );
  }
  if (extended) base.push("NIL", disp, "NIL", "NIL");
  return "(" + base.join(" ") + ")";
}

/** Raw header fields (with their folding) of a header block, as [lower-case name, text] pairs. */
function rawFields(block: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of block.split(/(?<=\n)/)) {
    if (line === "\r\n" || line === "\n") break;
    if ((line[0] === " " || line[0] === "\t") && out.length) out[out.length - 1][1] += line;
    else
      out.push([
        line
          .slice(0, Math.max(0, line.indexOf(":")))
          .trim()
          .toLowerCase(),
        line,
      ]);
  }
  return out;
}

/**
 * Returns the bytes of a BODY[section] (section upper-cased, e.g. "", "HEADER", "TEXT",
 * "HEADER.FIELDS (FROM TO)", "1.2", "2.MIME") or null when the part does not exist.
 */
export function sectionBytes(raw: Buffer, rootIn: MimeNode | null, section: string): Buffer | null {
  if (section === "") return raw;
  const root = rootIn ?? parseMime(raw);
  const m = /^((?:\d+\.)*\d+)?\.?(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME)?\s*(?:\((.*)\))?$/i.exec(section.trim());
  if (!m) return null;
  const path = m[1] ? m[1].split(".").map(Number) : [];
  const kind = (m[2] ?? "").toUpperCase();
  let node: MimeNode | undefined = path.length ? findPart(root, path) : root;
  if (!node) return null;
  if (!kind) return raw.subarray(node.bodyStart, node.end);
  if (kind === "MIME") return path.length ? raw.subarray(node.start, node.bodyStart) : null;
  // HEADER/TEXT of a nested part address its embedded message.
  if (path.length && node.type === "message" && node.subtype === "rfc822") node = node.children[0];
  if (!node) return null;
  if (kind === "TEXT") return raw.subarray(node.bodyStart, node.end);
  const block = raw.subarray(node.start, node.bodyStart);
  if (kind === "HEADER") return block;
  const names = new Set(
    (m[3] ?? "")
      .split(/\s+/)
      .filter(Boolean)
      .map((x) => x.replace(/"/g, "").toLowerCase()),
  );
  const keep = rawFields(block.toString("latin1")).filter(([k]) => (kind === "HEADER.FIELDS" ? names.has(k) : !names.has(k)));
  return Buffer.from(keep.map((f) => f[1]).join("") + "\r\n", "latin1");
}

export function headerSummary(raw: Buffer) {
  return parseHeaders(raw.subarray(0, Math.min(raw.length, 64 * 1024)));
}
