import { describe, expect, it } from "vitest";
import { hashToken, newToken, safeEqual, tokenPurpose } from "./secure-token";

describe("secure tokens", () => {
  it("are random, typed by purpose, and hash stably", () => {
    const a = newToken("user_link");
    expect(a).not.toBe(newToken("user_link"));
    expect(tokenPurpose(a)).toBe("user_link");
    expect(tokenPurpose(newToken("admin_link"))).toBe("admin_link");
    expect(hashToken(a)).toBe(hashToken(a));
    expect(hashToken(a)).not.toContain(a);
  });
  it("reject tampered or foreign shapes", () => {
    const a = newToken("user_link");
    expect(tokenPurpose(`ca_${a.slice(3)}`)).toBe("admin_link"); // a different token, whose hash won't match
    expect(hashToken(`ca_${a.slice(3)}`)).not.toBe(hashToken(a));
    expect(tokenPurpose("cu_short")).toBeNull();
    expect(tokenPurpose("zz_" + "a".repeat(43))).toBeNull();
    expect(tokenPurpose(a + "x")).toBeNull();
  });
  it("compares in constant time", () => {
    expect(safeEqual("abc", "abc")).toBe(true);
    expect(safeEqual("abc", "abd")).toBe(false);
    expect(safeEqual("abc", "abcd")).toBe(false);
  });
});
