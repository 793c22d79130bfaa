// Finding 11 (issue 9): the post-sign-in destination never leaves our origin.
import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./safe-callback-url";

const OWN = "https://consentry.example.com";

describe("safeCallbackPath", () => {
  it.each([
    "/\\evil.example",
    "/%5Cevil.example".replace("%5C", "\\"),
    "//evil.example",
    "///evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "https://evil.example",
    "https://evil.example/tenants",
    "http://consentry.example.com/",
    "https://consentry.example.com.evil.example/",
    "https://consentry.example.com@evil.example/",
    "/\t/evil.example",
    "/\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "",
  ])("refuses %j", (v) => {
    const out = safeCallbackPath(v, OWN);
    expect(out).toBe("/");
  });

  it("a decoded %2F%2F is protocol-relative and refused; still-encoded it is only a path", () => {
    expect(safeCallbackPath(decodeURIComponent("%2F%2Fevil.example"), OWN)).toBe("/");
    expect(new URL(safeCallbackPath("%2F%2Fevil.example", OWN), OWN).origin).toBe(OWN);
  });

  it.each([
    ["/", "/"],
    ["/tenants/abc?tab=mailboxes#x", "/tenants/abc?tab=mailboxes#x"],
    ["https://consentry.example.com/events?level=warn", "/events?level=warn"],
    // Same origin, but a path that would read as protocol-relative once handed on.
    ["https://consentry.example.com//evil.example", "/evil.example"],
    ["tenants", "/tenants"],
  ])("keeps %j as %j", (v, want) => {
    expect(safeCallbackPath(v, OWN)).toBe(want);
  });

  it("never throws on odd shapes (repeated query key, non-strings, a bad origin)", () => {
    expect(safeCallbackPath(["/events", "//evil.example"], OWN)).toBe("/events");
    expect(safeCallbackPath(["//evil.example", "/events"], OWN)).toBe("/");
    expect(safeCallbackPath(undefined, OWN)).toBe("/");
    expect(safeCallbackPath({ toString: () => "//evil" }, OWN)).toBe("/");
    expect(safeCallbackPath("/x", "not a url")).toBe("/");
    expect(safeCallbackPath("/" + "a".repeat(5000), OWN)).toBe("/");
  });

  it("whatever it returns resolves to our origin, for every input shape", () => {
    const pieces = ["/", "\\", "//", "\t", "\n", "evil.example", "%2F", "%5C", "@", ":", "javascript:", "https:", "?", "#", ".", ".."];
    for (const a of pieces)
      for (const b of pieces)
        for (const c of pieces) {
          const out = safeCallbackPath(a + b + c, OWN);
          expect(out.startsWith("/") && !out.startsWith("//") && !out.startsWith("/\\")).toBe(true);
          expect(new URL(out, OWN).origin).toBe(OWN);
        }
  });
});
