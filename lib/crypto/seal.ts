// AES-256-GCM sealing of client secrets and tokens. Format: "v2.<keyId>.<iv>.<tag>.<ciphertext>"
// (base64url parts). The AAD binds the purpose, the workspace and the row the value belongs to, so
// a sealed refresh token can't be replayed where a client secret is expected, nor a value copied
// into another row or workspace (by SQL access or a bug) be opened there.
// "v1." values (AAD = purpose only) still open; `npm run keys:rotate` and the start-up reseal turn
// them into v2.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { TKeyring } from "./keyring";

export type TSealPurpose = "client_secret" | "refresh_token" | "access_token" | "code_verifier" | "generic";

/** The row a sealed value lives in. For a Grant, `rowId` is its mailboxId (the grant is upserted
 *  per mailbox, so its own id isn't known before the write). */
export type TSealBinding = { workspaceId: string; rowId: string };

export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SealError";
  }
}

const aad = (purpose: TSealPurpose, bind: TSealBinding | null) =>
  Buffer.from(bind ? `consentry:v2:${purpose}:${bind.workspaceId}:${bind.rowId}` : `consentry:${purpose}`);

function sealWith(ring: TKeyring, plaintext: string, purpose: TSealPurpose, bind: TSealBinding | null): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", ring.current.key, iv);
  cipher.setAAD(aad(purpose, bind));
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [
    bind ? "v2" : "v1",
    ring.current.id,
    iv.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
    ct.toString("base64url"),
  ].join(".");
}

export function seal(ring: TKeyring, plaintext: string, purpose: TSealPurpose, bind: TSealBinding): string {
  if (!bind.workspaceId || !bind.rowId) throw new SealError("A sealed value needs its workspace and row.");
  return sealWith(ring, plaintext, purpose, bind);
}

/** The pre-binding format, only for tests of the upgrade path. */
export function sealLegacyV1(ring: TKeyring, plaintext: string, purpose: TSealPurpose): string {
  return sealWith(ring, plaintext, purpose, null);
}

function parse(sealed: string) {
  const parts = sealed.split(".");
  if (parts.length !== 5 || (parts[0] !== "v1" && parts[0] !== "v2")) throw new SealError("Not a sealed value.");
  return { version: parts[0], keyId: parts[1], iv: parts[2], tag: parts[3], ct: parts[4] };
}

export function sealedKeyId(sealed: string): string {
  return parse(sealed).keyId;
}

export function sealedVersion(sealed: string): "v1" | "v2" {
  return parse(sealed).version as "v1" | "v2";
}

/** Throws rather than returning garbage: a wrong key, a tampered value or a value from another
 *  row or workspace fails GCM's tag check. */
export function unseal(ring: TKeyring, sealed: string, purpose: TSealPurpose, bind: TSealBinding): string {
  const { version, keyId, iv, tag, ct } = parse(sealed);
  const key = ring.byId.get(keyId);
  if (!key) throw new SealError(`Sealed with key "${keyId}", which is not in CONSENTRY_ENCRYPTION_KEY.`);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.key, Buffer.from(iv, "base64url"));
    decipher.setAAD(aad(purpose, version === "v2" ? bind : null));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SealError(
      `Could not open a sealed ${purpose} with key "${keyId}": wrong key, tampered value, or a value moved from another row.`,
    );
  }
}

/** Sealed under an older key, or in the v1 format without the row binding. */
export function needsReseal(ring: TKeyring, sealed: string): boolean {
  const p = parse(sealed);
  return p.version !== "v2" || p.keyId !== ring.current.id;
}
