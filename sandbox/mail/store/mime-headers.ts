// Minimal header handling shared by the store, IMAP and Graph. Raw values are kept undecoded
// because IMAP ENVELOPE returns them as sent; Graph decodes encoded-words via libmime.
import libmime from "libmime";

export type HeaderLine = { key: string; value: string }; // key lower-case, value unfolded, undecoded

/** Offset of the blank line ending the header block (index of the body start), or raw.length. */
export function headerEnd(raw: Buffer): number {
  const i = raw.indexOf("\r\n\r\n");
  if (i >= 0) return i + 4;
  const j = raw.indexOf("\n\n");
  return j >= 0 ? j + 2 : raw.length;
}

export function parseHeaders(block: Buffer | string): HeaderLine[] {
  const text = typeof block === "string" ? block : block.toString("binary");
  const out: HeaderLine[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    if ((line[0] === " " || line[0] === "\t") && out.length) {
      out[out.length - 1].value += " " + line.trim();
      continue;
    }
    const c = line.indexOf(":");
    if (c <= 0) continue;
    out.push({ key: line.slice(0, c).trim().toLowerCase(), value: line.slice(c + 1).trim() });
  }
  return out;
}

export function getHeader(h: HeaderLine[], key: string): string | undefined {
  return h.find((x) => x.key === key)?.value;
}

export function decodeWords(v: string | undefined): string {
  if (!v) return "";
  try {
    return libmime.decodeWords(Buffer.from(v, "binary").toString("utf8"));
  } catch {
    return v;
  }
}

/** Parses `type/subtype; a=b; c="d"` into parts (lower-cased type, params keys lower-cased). */
export function parseStructured(v: string | undefined): { value: string; params: Record<string, string> } {
  if (!v) return { value: "", params: {} };
  const parsed = libmime.parseHeaderValue(v) as { value: string; params: Record<string, string> };
  return { value: (parsed.value || "").toLowerCase(), params: parsed.params || {} };
}
