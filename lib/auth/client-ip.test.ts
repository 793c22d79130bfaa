// Finding 12 (issue 9): the client address comes from our own proxies' entries, never the client's.
import { describe, expect, it } from "vitest";
import { clientIpFrom } from "./client-ip";

describe("clientIpFrom", () => {
  it("with no proxy takes the rightmost entry (Next's own), never a spoofed first hop", () => {
    expect(clientIpFrom("203.0.113.7", 0)).toBe("203.0.113.7");
    expect(clientIpFrom("1.1.1.1, 203.0.113.7", 0)).toBe("203.0.113.7");
  });

  it("with N trusted proxies takes the entry N places from the right", () => {
    // client → proxy A (appends the client) → proxy B (appends A) → us
    expect(clientIpFrom("198.51.100.9, 10.0.0.2", 2)).toBe("198.51.100.9");
    // The client prepended its own claims: they stay left of what our proxies wrote.
    expect(clientIpFrom("6.6.6.6, 7.7.7.7, 198.51.100.9", 1)).toBe("198.51.100.9");
    expect(clientIpFrom("6.6.6.6, 198.51.100.9, 10.0.0.2", 2)).toBe("198.51.100.9");
    // Fewer entries than proxies: the leftmost is the best we have.
    expect(clientIpFrom("198.51.100.9", 3)).toBe("198.51.100.9");
  });

  it("a repeated header is read as one list", () => {
    expect(clientIpFrom(["6.6.6.6", "198.51.100.9"], 1)).toBe("198.51.100.9");
  });

  it("normalises ports, brackets and IPv4-mapped IPv6; junk is 'unknown'", () => {
    expect(clientIpFrom("[2001:db8::1]:443", 0)).toBe("2001:db8::1");
    expect(clientIpFrom("198.51.100.9:5678", 0)).toBe("198.51.100.9");
    expect(clientIpFrom("::FFFF:198.51.100.9", 0)).toBe("198.51.100.9");
    expect(clientIpFrom("not-an-ip", 0)).toBe("unknown");
    expect(clientIpFrom("", 0)).toBe("unknown");
    expect(clientIpFrom(undefined, 0)).toBe("unknown");
  });
});
