// The webhook SSRF guard: every address form the review named (IPv4-mapped in dotted and hex form,
// IPv4-compatible, NAT64, 6to4, Teredo, the IPv4 special ranges, the TEST-NETs), as IP literals in
// the URL and as resolved answers, refused unless WEBHOOK_ALLOW_PRIVATE; public ones pass.
import { describe, expect, it } from "vitest";
import { addressProblem, checkedLookup, webhookUrlProblem } from "./url-safety";
import { postJson } from "./dispatch";

const REFUSED: [string, string][] = [
  ["unspecified", "0.0.0.0"],
  ["this network", "0.1.2.3"],
  ["RFC 1918 10/8", "10.1.2.3"],
  ["CGNAT", "100.64.0.1"],
  ["CGNAT top", "100.127.255.254"],
  ["loopback", "127.0.0.1"],
  ["loopback /8", "127.255.0.9"],
  ["link-local (cloud metadata)", "169.254.169.254"],
  ["RFC 1918 172.16/12", "172.16.0.1"],
  ["RFC 1918 172.31", "172.31.255.255"],
  ["IETF protocol assignments", "192.0.0.8"],
  ["TEST-NET-1", "192.0.2.10"],
  ["6to4 relay anycast", "192.88.99.1"],
  ["RFC 1918 192.168/16", "192.168.1.1"],
  ["benchmarking 198.18/15", "198.18.0.1"],
  ["benchmarking 198.19", "198.19.255.1"],
  ["TEST-NET-2", "198.51.100.7"],
  ["TEST-NET-3", "203.0.113.9"],
  ["multicast", "224.0.0.1"],
  ["multicast top", "239.255.255.250"],
  ["reserved 240/4", "240.0.0.1"],
  ["broadcast", "255.255.255.255"],
  ["IPv6 unspecified", "::"],
  ["IPv6 loopback", "::1"],
  ["IPv4-mapped loopback, dotted", "::ffff:127.0.0.1"],
  ["IPv4-mapped loopback, hex (what the URL parser makes of it)", "::ffff:7f00:1"],
  ["IPv4-mapped private, hex", "::ffff:a00:1"],
  ["IPv4-mapped metadata", "::ffff:169.254.169.254"],
  ["IPv4-mapped, full form", "0:0:0:0:0:ffff:7f00:0001"],
  ["IPv4-compatible loopback", "::127.0.0.1"],
  ["IPv4-compatible public (deprecated, not routable)", "::8.8.8.8"],
  ["IPv4-translated", "::ffff:0:7f00:1"],
  ["NAT64 loopback", "64:ff9b::127.0.0.1"],
  ["NAT64 private, hex", "64:ff9b::a00:1"],
  ["NAT64 metadata", "64:ff9b::a9fe:a9fe"],
  ["local-use NAT64", "64:ff9b:1::808:808"],
  ["6to4 of loopback", "2002:7f00:1::"],
  ["6to4 of private", "2002:c0a8:101::1"],
  ["6to4 of metadata", "2002:a9fe:a9fe::1"],
  ["Teredo, client 127.0.0.1 obfuscated", "2001:0:4136:e378:8000:63bf:80ff:fffe"],
  ["Teredo, server private", "2001:0:a00:1:8000:63bf:f7f7:f7f7"],
  ["unique local", "fd00::1"],
  ["unique local fc", "fc00::1"],
  ["link-local", "fe80::1"],
  ["link-local with zone", "fe80::1%eth0"],
  ["site-local (deprecated)", "fec0::1"],
  ["multicast v6", "ff02::1"],
  ["discard-only", "100::1"],
  ["documentation 2001:db8::/32", "2001:db8::1"],
  ["documentation 3fff::/20", "3fff::1"],
  ["benchmarking v6", "2001:2::1"],
  ["ORCHIDv2", "2001:20::1"],
  ["outside 2000::/3", "4000::1"],
  ["not an address", "example.com"],
];
const ALLOWED: [string, string][] = [
  ["public v4", "8.8.8.8"],
  ["just outside 172.16/12", "172.32.0.1"],
  ["just outside CGNAT", "100.128.0.1"],
  ["just outside 198.18/15", "198.20.0.1"],
  ["public v6", "2001:4860:4860::8888"],
  ["IPv4-mapped public", "::ffff:8.8.8.8"],
  ["NAT64 of public", "64:ff9b::808:808"],
  ["6to4 of public", "2002:808:808::1"],
  ["Teredo of public", "2001:0:4136:e378:8000:63bf:f7f7:f7f7"],
];

describe("webhook address check", () => {
  it.each(REFUSED)("refuses %s (%s)", (_name, ip) => {
    expect(addressProblem(ip)).toBeTruthy();
  });
  it.each(ALLOWED)("allows %s (%s)", (_name, ip) => {
    expect(addressProblem(ip)).toBeNull();
  });

  const literal = (ip: string) => (ip.includes(":") ? `https://[${ip.replace(/%.*/, "")}]/hook` : `https://${ip}/hook`);
  it.each(REFUSED.filter(([, ip]) => ip !== "example.com"))("refuses the literal URL for %s", (_name, ip) => {
    expect(webhookUrlProblem(literal(ip), false)).toMatch(/private network/);
    // WEBHOOK_ALLOW_PRIVATE keeps its meaning: local receivers for testing.
    expect(webhookUrlProblem(literal(ip), true)).toBeNull();
  });
  it.each(ALLOWED)("allows the literal URL for %s", (_name, ip) => {
    expect(webhookUrlProblem(literal(ip), false)).toBeNull();
  });

  it("sees through the URL parser's spellings of loopback", () => {
    for (const u of [
      "https://[::ffff:127.0.0.1]/",
      "https://[::ffff:7f00:1]/",
      "https://2130706433/",
      "https://0x7f.1/",
      "https://127.1/",
      "https://[0:0:0:0:0:ffff:127.0.0.1]/",
      "https://localhost./",
      "https://LOCALHOST/",
      "https://a.localhost/",
    ]) {
      expect(webhookUrlProblem(u, false), u).toMatch(/private network/);
    }
    expect(webhookUrlProblem("http://hooks.example.com/", false)).toMatch(/https/);
    expect(webhookUrlProblem("http://127.0.0.1:9/", true)).toBeNull();
  });
});

describe("webhook resolution check", () => {
  const fake = (answers: string[]) => (_h: string, _o: unknown, cb: (e: null, a: { address: string; family: number }[]) => void) =>
    cb(
      null,
      answers.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })),
    );
  const run = (answers: string[], allowPrivate = false, all = true) =>
    new Promise<{ err: NodeJS.ErrnoException | null; addr: unknown }>((resolve) =>
      checkedLookup(allowPrivate, fake(answers))("hooks.example.com", { all }, (err, addr) => resolve({ err, addr })),
    );

  it("refuses a name if any one of its A/AAAA answers is not public", async () => {
    expect((await run(["8.8.8.8", "127.0.0.1"])).err?.code).toBe("EPRIVATE");
    expect((await run(["2001:4860:4860::8888", "::ffff:7f00:1"])).err?.code).toBe("EPRIVATE");
    expect((await run(["64:ff9b::a9fe:a9fe"])).err?.code).toBe("EPRIVATE");
    expect((await run([])).err?.code).toBe("ENOTFOUND");
  });

  it("hands the socket exactly the addresses it checked", async () => {
    expect(await run(["8.8.8.8", "2001:4860:4860::8888"])).toEqual({
      err: null,
      addr: [
        { address: "8.8.8.8", family: 4 },
        { address: "2001:4860:4860::8888", family: 6 },
      ],
    });
    expect((await run(["8.8.8.8"], false, false)).addr).toBe("8.8.8.8");
    expect((await run(["10.0.0.1"], true)).err).toBeNull();
  });

  it("delivery refuses a name that resolves to loopback, and an IPv4-mapped literal, without connecting", async () => {
    // "localhost." passes the name check (trailing dot) but resolves to loopback.
    const viaName = await postJson("https://localhost.:9/hook", "{}", {}, false);
    expect(viaName).toMatchObject({ error: expect.stringMatching(/private|not a public/) });
    expect(await postJson("https://[::ffff:7f00:1]:9/hook", "{}", {}, false)).toEqual({ error: expect.stringMatching(/private network/) });
  });
});
