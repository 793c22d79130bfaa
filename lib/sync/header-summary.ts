// What a sync stores about a message besides its MIME (Message-ID, sender address, subject), read
// from the header block of the raw MIME it already downloaded: the IMAP reader then asks only for
// UID, INTERNALDATE and BODY.PEEK[] (no ENVELOPE for the server to build and the client to parse),
// and nothing past the blank line that ends the headers is looked at. The values match what the
// ENVELOPE would say: encoded words (RFC 2047) decoded in the subject, the first mailbox's address
// of From (groups flattened), the Message-ID as written.
import libmime from "libmime";
import addressparser from "nodemailer/lib/addressparser/index.js";

/** Headers past this many bytes aren't read (a header block this large is hostile). */
export const MAX_HEADER_BLOCK = 256 * 1024;

/** `testMailTag`: the X-Consentry-Test value (lib/mail/test-mail), read in the same pass so the
 *  storer doesn't scan the MIME again. */
export type THeaderSummary = { messageId: string | null; from: string | null; subject: string | null; testMailTag: string | null };

/** The end of the header block: the offset of the blank line (CRLF CRLF or bare LF LF). */
function headerEnd(raw: Buffer): number {
  const limit = Math.min(raw.length, MAX_HEADER_BLOCK);
  for (let i = 0; i < limit; i++) {
    if (raw[i] !== 0x0a) continue;
    if (raw[i + 1] === 0x0a) return i;
    if (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) return i;
  }
  return limit;
}

const WANTED = new Set(["message-id", "from", "subject", "x-consentry-test"]);

// The common shapes of From, read without the full address parser: `a@b.example` or
// `Name <a@b.example>` with no quotes, comments, groups, lists or encoded words in the way.
const PLAIN_ADDRESS = /^\s*([^\s<>()"',;:@\\]+@[^\s<>()"',;:@\\]+)\s*$/;
const NAMED_ADDRESS = /^[^<>()"',;:@\\=]*<([^\s<>()"',;:@\\]+@[^\s<>()"',;:@\\]+)>\s*$/;

function fromAddress(from: string): string | null {
  const plain = PLAIN_ADDRESS.exec(from) ?? NAMED_ADDRESS.exec(from);
  if (plain) return plain[1];
  return addressparser(from, { flatten: true }).find((a) => a.address)?.address ?? null;
}

export function headerSummary(raw: Buffer): THeaderSummary {
  const text = raw.toString("utf8", 0, headerEnd(raw));
  const found = new Map<string, string>();
  let name = "";
  let value = "";
  const flush = () => {
    if (name && WANTED.has(name) && !found.has(name)) found.set(name, value.trim());
  };
  for (const line of text.split(/\r?\n/)) {
    if ((line.startsWith(" ") || line.startsWith("\t")) && name) {
      value += line; // unfold (RFC 5322 §2.2.3)
      continue;
    }
    flush();
    const colon = line.indexOf(":");
    name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : "";
    value = colon > 0 ? line.slice(colon + 1) : "";
  }
  flush();
  const subject = found.get("subject");
  const from = found.get("from");
  let decoded: string | null = null;
  if (subject !== undefined && !subject.includes("=?"))
    decoded = subject; // no encoded words: as written
  else if (subject !== undefined) {
    try {
      decoded = libmime.decodeWords(subject);
    } catch {
      decoded = subject;
    }
  }
  return {
    messageId: found.get("message-id") || null,
    from: from ? fromAddress(from) : null,
    subject: decoded,
    testMailTag: found.get("x-consentry-test") ?? null,
  };
}
