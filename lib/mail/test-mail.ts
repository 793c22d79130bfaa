import "server-only";
// Consentry's own test mail (the connection test's SendAs note, "Send test email") is marked with
// a header, `X-Consentry-Test: <id>.<mac>`, so sync never hands it to helpdesks as new mail (REST
// API, webhooks, the Mail card) and the read-back can find and remove it. The mac is an HMAC of the
// id under the installation's encryption key: anyone can write the header, only Consentry can write
// one that hides a message. Every key of the ring verifies, so a key rotation doesn't expose mail
// sent just before it.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { keyring } from "../crypto";

export const TEST_MAIL_HEADER = "X-Consentry-Test";

const mac = (key: Buffer, id: string) => createHmac("sha256", key).update(`consentry-test-mail:${id}`).digest("base64url").slice(0, 32);

/** A fresh header value for one test message. */
export function newTestMailTag(): string {
  const id = randomBytes(9).toString("base64url");
  return `${id}.${mac(keyring().current.key, id)}`;
}

/** Whether a header value is one Consentry wrote. */
export function isOwnTestMailTag(value: string | null | undefined): boolean {
  const m = /^([A-Za-z0-9_-]{12})\.([A-Za-z0-9_-]{32})$/.exec((value ?? "").trim());
  if (!m) return false;
  const got = Buffer.from(m[2]);
  return [...keyring().byId.values()].some((k) => {
    const want = Buffer.from(mac(k.key, m[1]));
    return want.length === got.length && timingSafeEqual(want, got);
  });
}

/** The X-Consentry-Test value in a message's header section (unfolded), or null. */
export function testMailTagOf(raw: Buffer | Uint8Array): string | null {
  const buf = Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.byteLength, 64 * 1024));
  const text = buf.toString("latin1");
  const end = text.search(/\r?\n\r?\n/);
  const head = (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, " ");
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${TEST_MAIL_HEADER.toLowerCase()}:`));
  return line ? line.slice(TEST_MAIL_HEADER.length + 1).trim() : null;
}

/** Consentry's own, genuine test mail: skipped by sync. */
export const isOwnTestMail = (raw: Buffer | Uint8Array) => isOwnTestMailTag(testMailTagOf(raw));

/** The header line to put in front of a composed message. */
export const testMailHeaderLine = (tag: string) => Buffer.from(`${TEST_MAIL_HEADER}: ${tag}\r\n`, "latin1");
