// A small MIME tree parser over raw bytes: enough for IMAP BODYSTRUCTURE / BODY[section] and for
// Graph's body, bodyPreview and hasAttachments. Offsets point into the original buffer so
// sections are returned byte-exact.
import { getHeader, headerEnd, parseHeaders, parseStructured, type HeaderLine } from "./mime-headers";

export type MimeNode = {
  start: number; // start of the part's header block
  bodyStart: number;
  end: number; // end of the part's body
  headers: HeaderLine[];
  type: string; // "text"
  subtype: string; // "plain"
  params: Record<string, string>;
  encoding: string;
  disposition?: { value: string; params: Record<string, string> };
  children: MimeNode[]; // multipart parts, or the single embedded message of message/rfc822
};

export function parseMime(raw: Buffer, start = 0, end = raw.length, defaultType = "text/plain"): MimeNode {
  const hEnd = start + headerEnd(raw.subarray(start, end));
  const headers = parseHeaders(raw.subarray(start, hEnd));
  const ct = parseStructured(getHeader(headers, "content-type") ?? defaultType);
  const [type, subtype] = (ct.value || defaultType).split("/");
  const node: MimeNode = {
    start,
    bodyStart: hEnd,
    end,
    headers,
    type: type || "text",
    subtype: subtype || "plain",
    params: ct.params,
    encoding: (getHeader(headers, "content-transfer-encoding") ?? "7bit").toLowerCase(),
    children: [],
  };
  const disp = getHeader(headers, "content-disposition");
  if (disp) node.disposition = parseStructured(disp);
  if (node.type === "multipart" && ct.params.boundary) {
    const delim = Buffer.from("--" + ct.params.boundary);
    const childDefault = node.subtype === "digest" ? "message/rfc822" : "text/plain";
    let pos = raw.indexOf(delim, hEnd);
    while (pos >= 0 && pos < end) {
      const after = pos + delim.length;
      if (raw[after] === 0x2d && raw[after + 1] === 0x2d) break; // closing delimiter
      let partStart = raw.indexOf("\n", after);
      if (partStart < 0) break;
      partStart++;
      let next = raw.indexOf(delim, partStart);
      if (next < 0 || next > end) next = end;
      // The CRLF before a delimiter belongs to the delimiter.
      let partEnd = next;
      if (raw[partEnd - 1] === 0x0a) partEnd--;
      if (raw[partEnd - 1] === 0x0d) partEnd--;
      node.children.push(parseMime(raw, partStart, Math.max(partStart, partEnd), childDefault));
      pos = next === end ? -1 : next;
    }
  } else if (node.type === "message" && node.subtype === "rfc822") {
    node.children.push(parseMime(raw, hEnd, end));
  }
  return node;
}

/** Resolves an IMAP part path like [1, 2] to a node (message/rfc822 parts descend into the message). */
export function findPart(root: MimeNode, path: number[]): MimeNode | undefined {
  let node: MimeNode | undefined = root;
  for (const n of path) {
    if (!node) return undefined;
    if (node.type === "message" && node.subtype === "rfc822" && node !== root) node = node.children[0];
    if (!node) return undefined;
    if (node.type !== "multipart") {
      if (n === 1 && node === root) continue; // a non-multipart message's part 1 is its body
      return undefined;
    }
    node = node.children[n - 1];
  }
  return node;
}

export function decodeBody(raw: Buffer, node: MimeNode): Buffer {
  const body = raw.subarray(node.bodyStart, node.end);
  if (node.encoding === "base64") return Buffer.from(body.toString("latin1").replace(/[^A-Za-z0-9+/=]/g, ""), "base64");
  if (node.encoding === "quoted-printable") {
    const s = body.toString("latin1").replace(/=\r?\n/g, "");
    const out: number[] = [];
    for (let i = 0; i < s.length; i++) {
      if (s[i] === "=" && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
        out.push(parseInt(s.slice(i + 1, i + 3), 16));
        i += 2;
      } else out.push(s.charCodeAt(i) & 0xff);
    }
    return Buffer.from(out);
  }
  return body;
}

function isAttachment(n: MimeNode) {
  return (
    n.disposition?.value === "attachment" ||
    (n.type !== "text" && n.type !== "multipart" && !!(n.params.name || n.disposition?.params.filename))
  );
}

export function hasAttachments(root: MimeNode): boolean {
  const walk = (n: MimeNode): boolean => (n !== root && isAttachment(n)) || n.children.some(walk);
  return walk(root);
}

/** First text/html (preferred) or text/plain body that is not an attachment. */
export function mainBody(raw: Buffer, root: MimeNode): { contentType: "text" | "html"; content: string } {
  let plain: MimeNode | undefined;
  let html: MimeNode | undefined;
  const walk = (n: MimeNode) => {
    if (n.type === "text" && !isAttachment(n)) {
      if (n.subtype === "html") html ??= n;
      else if (n.subtype === "plain") plain ??= n;
    }
    if (n.type === "multipart") n.children.forEach(walk);
  };
  walk(root);
  const pick = html ?? plain;
  if (!pick) return { contentType: "text", content: "" };
  const charset = (pick.params.charset || "utf-8").toLowerCase();
  const buf = decodeBody(raw, pick);
  const content = charset === "utf-8" || charset === "us-ascii" ? buf.toString("utf8") : buf.toString("latin1");
  return { contentType: pick === html ? "html" : "text", content };
}

export function textPreview(body: { contentType: string; content: string }): string {
  const text =
    body.contentType === "html"
      ? body.content
          .replace(/<style[\s\S]*?<\/style>/gi, "")
          .replace(/<[^>]+>/g, " ")
          .replace(/&nbsp;/g, " ")
      : body.content;
  return text.replace(/\s+/g, " ").trim().slice(0, 255);
}
