// Redaction for traced protocol lines (lib/trace) and log lines (lib/log/logger.ts): what a transcript may hold is the shape of the
// conversation — commands, replies, status codes, error texts, header names — never a credential
// or a message's content. Runs on every line before it is kept, on top of what the transports
// already leave out (imapflow hides literals and sensitive atoms; nodemailer's transaction log
// hides the message; the POP3 and Graph hooks summarise bodies). Pure, so it is unit-tested on
// real transcripts (redact-trace.test.ts).

/** JSON fields and form/query parameters whose value is a credential, whatever the protocol. */
const SECRET_FIELDS = [
  "access_token",
  "refresh_token",
  "id_token",
  "client_secret",
  "client_assertion",
  "assertion",
  "code",
  "code_verifier",
  "password",
  "token",
  "sessionKey",
  "session_state",
];
/** JSON fields whose value is mail content (Graph messages, attachments). */
export const CONTENT_FIELDS = new Set(["body", "uniqueBody", "bodyPreview", "contentBytes", "content"]);

const FIELD_RE = SECRET_FIELDS.join("|");
// In JSON, "code" is an error code (Graph's, the identity platform's): only form fields carry an
// authorization code.
const JSON_FIELD_RE = SECRET_FIELDS.filter((f) => f !== "code").join("|");
const JSON_FIELD = new RegExp(`("(?:${JSON_FIELD_RE})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, "gi");
const FORM_FIELD = new RegExp(`(^|[?&\\s"'])((?:${FIELD_RE})=)[^&\\s"']+`, "gi");

/** True for a base64 text that decodes to a SASL XOAUTH2/OAUTHBEARER/PLAIN payload. */
function isSaslPayload(b64: string): boolean {
  if (b64.length < 16 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return false;
  const text = Buffer.from(b64, "base64").toString("latin1");
  // XOAUTH2 (user=…\x01auth=Bearer …), OAUTHBEARER (n,a=…,\x01…), PLAIN (authz\0user\0password).
  return /auth=Bearer/i.test(text) || /^n,[^,]*,\x01/.test(text) || /^[\x20-\x7e]*\x00[\x20-\x7e]+\x00[\x20-\x7e]+$/.test(text);
}

const isHostName = (m: string) => /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/.test(m);
/** A URL's host and path (or a path): "/" between short segments, with a "." "%" or ":" somewhere.
 *  No token or secret has that shape (base64 has no "." or "%", base64url and JWTs have no "/"). */
const isPath = (m: string) => m.includes("/") && /[.%:]/.test(m) && m.split("/").every((seg) => seg.length < 40);

/**
 * One traced line, redacted. `secrets`: exact values the transport knows it sent (the access
 * token, the XOAUTH2 payload built from it, the refresh token, the client secret): each is removed
 * wherever it appears, before the pattern rules run.
 */
export function redactTraceText(text: string, secrets: Iterable<string> = []): string {
  let s = text;
  for (const v of secrets) if (v && v.length >= 8) s = s.split(v).join("[redacted]");
  return (
    s
      // SASL: the payload after AUTHENTICATE/AUTH <mechanism>, whatever it is.
      .replace(/\b(AUTHENTICATE|AUTH)\s+(XOAUTH2|XOAUTH|OAUTHBEARER|PLAIN|LOGIN)\s+(?!"\(\*)\S+/gi, "$1 $2 [redacted]")
      // A SASL payload on a line of its own (POP3's and IMAP's two-step forms).
      .replace(/[A-Za-z0-9+/]{16,}={0,2}/g, (m) => (isSaslPayload(m) ? "[XOAUTH2 payload]" : m))
      .replace(/\b(authorization|cookie|set-cookie|x-ms-client-secret)(["']?\s*[:=]\s*["']?)[^"'\r\n,}]+/gi, "$1$2[redacted]")
      .replace(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, "[token]")
      .replace(/(Bearer\s+)[^\s"',}]+/gi, "$1[token]")
      .replace(JSON_FIELD, '$1"[redacted]"')
      .replace(FORM_FIELD, "$1$2[redacted]")
      // Long opaque runs (refresh tokens are not JWTs; client secrets; delta tokens), but not host names.
      .replace(/[A-Za-z0-9+/_~.%:-]{40,}={0,2}/g, (m) => (isHostName(m) || isPath(m) ? m : "[redacted]"))
  );
}

/** A JSON value with mail content fields replaced by their size, for Graph requests and responses. */
export function withoutContent(v: unknown, depth = 0): unknown {
  if (depth > 12) return "[…]";
  if (Array.isArray(v)) return v.map((x) => withoutContent(x, depth + 1));
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [
        k,
        CONTENT_FIELDS.has(k) && x !== null && x !== undefined
          ? `[${k}: ${JSON.stringify(x).length} bytes not recorded]`
          : withoutContent(x, depth + 1),
      ]),
    );
  return v;
}
