import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseKeyring } from "./keyring";
import { needsReseal, seal, SealError, unseal } from "./seal";

const k1 = randomBytes(32).toString("base64");
const k2 = randomBytes(32).toString("base64");

describe("seal", () => {
  it("round-trips and never contains the plaintext", () => {
    const ring = parseKeyring(`a:${k1}`);
    const s = seal(ring, "super-secret-value~123", "client_secret");
    expect(s).not.toContain("super-secret");
    expect(s.startsWith("v1.a.")).toBe(true);
    expect(unseal(ring, s, "client_secret")).toBe("super-secret-value~123");
  });

  it("uses a fresh IV each time", () => {
    const ring = parseKeyring(k1);
    expect(seal(ring, "x", "generic")).not.toBe(seal(ring, "x", "generic"));
  });

  it("fails loudly with a wrong key that claims the same id", () => {
    const s = seal(parseKeyring(`a:${k1}`), "token", "refresh_token");
    expect(() => unseal(parseKeyring(`a:${k2}`), s, "refresh_token")).toThrow(SealError);
  });

  it("fails loudly when the key id is unknown", () => {
    const s = seal(parseKeyring(`a:${k1}`), "token", "refresh_token");
    expect(() => unseal(parseKeyring(`b:${k2}`), s, "refresh_token")).toThrow(/not in CONSENTRY_ENCRYPTION_KEY/);
  });

  it("binds the purpose: a sealed token can't be opened as a client secret", () => {
    const ring = parseKeyring(k1);
    const s = seal(ring, "token", "refresh_token");
    expect(() => unseal(ring, s, "client_secret")).toThrow(SealError);
  });

  it("detects tampering", () => {
    const ring = parseKeyring(k1);
    const parts = seal(ring, "hello world", "generic").split(".");
    const ct = Buffer.from(parts[4], "base64url");
    ct[0] ^= 1;
    parts[4] = ct.toString("base64url");
    expect(() => unseal(ring, parts.join("."), "generic")).toThrow(SealError);
  });

  it("rotates: old values open with the new ring and are flagged for re-seal", () => {
    const old = parseKeyring(`old:${k1}`);
    const s = seal(old, "v", "generic");
    const rotated = parseKeyring(`new:${k2},old:${k1}`);
    expect(unseal(rotated, s, "generic")).toBe("v");
    expect(needsReseal(rotated, s)).toBe(true);
    expect(needsReseal(rotated, seal(rotated, "v", "generic"))).toBe(false);
  });

  it("rejects keys of the wrong size", () => {
    expect(() => parseKeyring(randomBytes(16).toString("base64"))).toThrow(/32 bytes/);
  });
});
