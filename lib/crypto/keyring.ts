// Parses CONSENTRY_ENCRYPTION_KEY into a keyring. The first key seals; every key can open, so a
// rotation adds a new key in front, re-seals (`npm run keys:rotate`), then drops the old one.
import { createHash } from "node:crypto";

export type TKey = { id: string; key: Buffer };
export type TKeyring = { current: TKey; byId: Map<string, TKey> };

function decodeKey(b64: string): Buffer {
  const key = Buffer.from(b64.trim(), "base64");
  if (key.length !== 32) throw new Error("Each encryption key must be 32 bytes, base64-encoded (openssl rand -base64 32).");
  return key;
}

/** A key's id defaults to a short hash of the key itself, so a bare key still gets a stable id. */
export function keyIdFor(key: Buffer): string {
  return createHash("sha256").update(key).digest("base64url").slice(0, 8);
}

export function parseKeyring(spec: string): TKeyring {
  const keys = spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const i = part.indexOf(":");
      if (i > 0 && /^[A-Za-z0-9_-]{1,32}$/.test(part.slice(0, i))) {
        return { id: part.slice(0, i), key: decodeKey(part.slice(i + 1)) };
      }
      const key = decodeKey(part);
      return { id: keyIdFor(key), key };
    });
  if (keys.length === 0) throw new Error("CONSENTRY_ENCRYPTION_KEY is empty.");
  const byId = new Map(keys.map((k) => [k.id, k]));
  if (byId.size !== keys.length) throw new Error("CONSENTRY_ENCRYPTION_KEY has two keys with the same id.");
  return { current: keys[0], byId };
}
