// A secret Microsoft rejected is never green, whatever expiry date was typed in.
import { describe, expect, it } from "vitest";
import { describe as describeCode } from "../diagnostics/describe";
import { secretHealth } from "./secret-health";

const now = new Date("2026-11-30T12:00:00Z");
const in180 = new Date(now.getTime() + 180 * 86_400_000);

describe("secret health", () => {
  it("follows the typed date while Microsoft hasn't said otherwise", () => {
    expect(secretHealth({ activeSecret: { last4: "abcd", expiresAt: in180 }, lastVerifyCode: "ok" }, now)).toMatchObject({
      level: "ok",
      tone: "green",
      label: "…abcd · 180 d left",
    });
    expect(
      secretHealth({ activeSecret: { last4: "abcd", expiresAt: new Date(now.getTime() + 10 * 86_400_000) }, lastVerifyCode: null }, now)
        .tone,
    ).toBe("red");
    expect(secretHealth({ activeSecret: null, lastVerifyCode: null }, now).label).toBe("No secret");
  });

  it("turns red with Microsoft's reason after a failed verify, even with 180 days left on paper", () => {
    for (const code of ["secret_expired", "secret_invalid", "secret_missing"]) {
      const h = secretHealth({ activeSecret: { last4: "abcd", expiresAt: in180.toISOString() }, lastVerifyCode: code }, now);
      expect(h).toMatchObject({ level: "rejected", tone: "red", reason: describeCode(code).title });
      expect(h.label).not.toContain("d left");
    }
  });

  it("keeps other verify failures (not about the secret) off the secret badge", () => {
    expect(secretHealth({ activeSecret: { last4: "abcd", expiresAt: in180 }, lastVerifyCode: "network_error" }, now).tone).toBe("green");
  });
});
