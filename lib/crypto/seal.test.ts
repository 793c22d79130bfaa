import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseKeyring } from "./keyring";
import { needsReseal, seal, SealError, sealLegacyV1, unseal } from "./seal";

const k1 = randomBytes(32).toString("base64");
const k2 = randomBytes(32).toString("base64");
const B = { workspaceId: "ws-1", rowId: "row-1" };

describe("seal", () => {
  it("round-trips and never contains the plaintext", () => {
    const ring = parseKeyring(`a:${k1}`);
    const s = seal(ring, "super-secret-value~123", "client_secret", B);
    expect(s).not.toContain("super-secret");
    expect(s.startsWith("v2.a.")).toBe(true);
    expect(unseal(ring, s, "client_secret", B)).toBe("super-secret-value~123");
  });

  it("uses a fresh IV each time", () => {
    const ring = parseKeyring(k1);
    expect(seal(ring, "x", "generic", B)).not.toBe(seal(ring, "x", "generic", B));
  });

  it("fails loudly with a wrong key that claims the same id", () => {
    const s = seal(parseKeyring(`a:${k1}`), "token", "refresh_token", B);
    expect(() => unseal(parseKeyring(`a:${k2}`), s, "refresh_token", B)).toThrow(SealError);
  });

  it("fails loudly when the key id is unknown", () => {
    const s = seal(parseKeyring(`a:${k1}`), "token", "refresh_token", B);
    expect(() => unseal(parseKeyring(`b:${k2}`), s, "refresh_token", B)).toThrow(/not in CONSENTRY_ENCRYPTION_KEY/);
  });

  it("binds the purpose: a sealed token can't be opened as a client secret", () => {
    const ring = parseKeyring(k1);
    const s = seal(ring, "token", "refresh_token", B);
    expect(() => unseal(ring, s, "client_secret", B)).toThrow(SealError);
  });

  it("detects tampering", () => {
    const ring = parseKeyring(k1);
    const parts = seal(ring, "hello world", "generic", B).split(".");
    const ct = Buffer.from(parts[4], "base64url");
    ct[0] ^= 1;
    parts[4] = ct.toString("base64url");
    expect(() => unseal(ring, parts.join("."), "generic", B)).toThrow(SealError);
  });

  it("rotates: old values open with the new ring and are flagged for re-seal", () => {
    const old = parseKeyring(`old:${k1}`);
    const s = seal(old, "v", "generic", B);
    const rotated = parseKeyring(`new:${k2},old:${k1}`);
    expect(unseal(rotated, s, "generic", B)).toBe("v");
    expect(needsReseal(rotated, s)).toBe(true);
    expect(needsReseal(rotated, seal(rotated, "v", "generic", B))).toBe(false);
  });

  it("binds the workspace and row: a value copied to another row or workspace doesn't open", () => {
    const ring = parseKeyring(k1);
    const s = seal(ring, "refresh-token", "refresh_token", B);
    expect(() => unseal(ring, s, "refresh_token", { workspaceId: "ws-1", rowId: "row-2" })).toThrow(SealError);
    expect(() => unseal(ring, s, "refresh_token", { workspaceId: "ws-2", rowId: "row-1" })).toThrow(SealError);
    // The version prefix can't be downgraded to skip the binding.
    expect(() => unseal(ring, s.replace(/^v2\./, "v1."), "refresh_token", { workspaceId: "ws-2", rowId: "row-1" })).toThrow(SealError);
  });

  it("opens legacy v1 values and flags them for re-seal", () => {
    const ring = parseKeyring(`a:${k1}`);
    const old = sealLegacyV1(ring, "legacy", "client_secret");
    expect(old.startsWith("v1.a.")).toBe(true);
    expect(unseal(ring, old, "client_secret", B)).toBe("legacy");
    expect(needsReseal(ring, old)).toBe(true);
    expect(needsReseal(ring, seal(ring, "legacy", "client_secret", B))).toBe(false);
  });

  it("rejects keys of the wrong size", () => {
    expect(() => parseKeyring(randomBytes(16).toString("base64"))).toThrow(/32 bytes/);
  });
});
