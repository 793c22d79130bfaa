// AES-256-GCM sealing of client secrets and tokens. Format: "v1.<keyId>.<iv>.<tag>.<ciphertext>"
// (base64url parts). The purpose is bound as AAD, so a sealed refresh token can't be replayed
// where a client secret is expected.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { TKeyring } from "./keyring";

export type TSealPurpose = "client_secret" | "refresh_token" | "access_token" | "code_verifier" | "generic";

export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SealError";
  }
}

export function seal(ring: TKeyring, plaintext: string, purpose: TSealPurpose): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", ring.current.key, iv);
  cipher.setAAD(Buffer.from(`consentry:${purpose}`));
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", ring.current.id, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ct.toString("base64url")].join(".");
}

export function sealedKeyId(sealed: string): string {
  const parts = sealed.split(".");
  if (parts.length !== 5 || parts[0] !== "v1") throw new SealError("Not a sealed value.");
  return parts[1];
}

/** Throws rather than returning garbage: a wrong key or a tampered value fails GCM's tag check. */
export function unseal(ring: TKeyring, sealed: string, purpose: TSealPurpose): string {
  const parts = sealed.split(".");
  if (parts.length !== 5 || parts[0] !== "v1") throw new SealError("Not a sealed value.");
  const [, keyId, iv, tag, ct] = parts;
  const key = ring.byId.get(keyId);
  if (!key) throw new SealError(`Sealed with key "${keyId}", which is not in CONSENTRY_ENCRYPTION_KEY.`);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.key, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(`consentry:${purpose}`));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SealError(`Could not open a sealed ${purpose} with key "${keyId}": wrong key or tampered value.`);
  }
}

export function needsReseal(ring: TKeyring, sealed: string): boolean {
  return sealedKeyId(sealed) !== ring.current.id;
}
