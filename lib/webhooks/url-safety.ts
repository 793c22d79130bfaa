// Webhook targets are the MSP's own systems on the internet. Unless WEBHOOK_ALLOW_PRIVATE is on,
// refuse plain http and any address that isn't global unicast, checked on IP literals in the URL
// and on every resolved address at delivery time (the connection goes to the checked address).
// Addresses are parsed as bytes (ipaddr.js), never matched as text: "[::ffff:7f00:1]" is 127.0.0.1.
import { isIPv4, isIPv6 } from "node:net";
import ipaddr from "ipaddr.js";

type TCidr = [ipaddr.IPv4 | ipaddr.IPv6, number];
const cidrs = (list: string[]): TCidr[] => list.map((c) => ipaddr.parseCIDR(c));

// RFC 6890 / IANA special-purpose IPv4 blocks that are not reachable global unicast.
const V4_REFUSED = cidrs([
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.2.0/24",
  "192.88.99.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/4",
  "240.0.0.0/4",
  "255.255.255.255/32",
]);
const V6_GLOBAL = ipaddr.parseCIDR("2000::/3");
// Inside 2000::/3: documentation (RFC 3849, RFC 9637), the IETF protocol block (benchmarking,
// ORCHID, AMT, …; Teredo is unwrapped first) and local-use NAT64 (RFC 8215, outside 2000::/3 anyway).
const V6_REFUSED = cidrs(["2001:db8::/32", "3fff::/20", "2001::/23", "64:ff9b:1::/48"]);
const MAPPED = ipaddr.parseCIDR("::ffff:0:0/96");
const TRANSLATED = ipaddr.parseCIDR("::ffff:0:0:0/96");
const COMPAT = ipaddr.parseCIDR("::/96");
const NAT64 = ipaddr.parseCIDR("64:ff9b::/96");
const SIX_TO_FOUR = ipaddr.parseCIDR("2002::/16");
const TEREDO = ipaddr.parseCIDR("2001::/32");

const v4 = (b: number[]) => new ipaddr.IPv4(b);

function v4Problem(a: ipaddr.IPv4): string | null {
  return V4_REFUSED.some((c) => a.match(c)) ? `${a.toString()} is not a public address` : null;
}

/** Why this address can't be a webhook target, or null when it is global unicast. */
export function addressProblem(ip: string): string | null {
  const bare = ip.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  let a: ipaddr.IPv4 | ipaddr.IPv6;
  if (isIPv4(bare)) a = ipaddr.IPv4.parse(bare);
  // ipaddr.js reads "::a.b.c.d" as IPv4-mapped; the URL parser's hex spelling keeps the real bytes.
  else if (isIPv6(bare)) a = ipaddr.IPv6.parse(new URL(`http://[${bare}]/`).hostname.slice(1, -1));
  else return `${ip} is not an IP address`;
  if (a.kind() === "ipv4") return v4Problem(a as ipaddr.IPv4);
  const b = (a as ipaddr.IPv6).toByteArray();
  const six = a as ipaddr.IPv6;
  // Addresses that carry an IPv4 address a packet may end up at: judge the IPv4 one.
  if (six.match(MAPPED) || six.match(NAT64)) return v4Problem(v4(b.slice(12, 16)));
  if (six.match(TRANSLATED) || six.match(COMPAT)) return `${ip} embeds ${v4(b.slice(12, 16)).toString()} and is not a public address`;
  if (six.match(SIX_TO_FOUR)) return v4Problem(v4(b.slice(2, 6)));
  if (six.match(TEREDO)) return v4Problem(v4(b.slice(4, 8))) ?? v4Problem(v4(b.slice(12, 16).map((x) => x ^ 0xff)));
  if (!six.match(V6_GLOBAL) || V6_REFUSED.some((c) => six.match(c))) return `${ip} is not a public address`;
  return null;
}

export function isPrivateAddress(ip: string): boolean {
  return addressProblem(ip) !== null;
}

/** A reason the URL can't be a webhook target, or null. Hostnames are checked again once resolved. */
export function webhookUrlProblem(raw: string, allowPrivate: boolean): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return "Enter a full URL, like https://helpdesk.example.com/hooks/consentry.";
  }
  if (u.username || u.password) return "Don't put credentials in the URL; verify the Consentry-Signature header instead.";
  if (u.protocol !== "https:" && !(allowPrivate && u.protocol === "http:"))
    return "Use https:// (plain http is only allowed for local testing).";
  // The URL parser already turned 0x7f.1, 2130706433 and friends into dotted IPv4.
  const host = u.hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
  const literal = ipaddr.isValid(host);
  if (
    !allowPrivate &&
    (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal") || (literal && isPrivateAddress(host)))
  ) {
    return "That address is on a private network; webhooks go to public endpoints.";
  }
  return null;
}

type TLookupCb = (e: NodeJS.ErrnoException | null, a: string | { address: string; family: number }[], f?: number) => void;
type TLookupAll = (
  host: string,
  opts: { all: true; family?: number },
  cb: (e: NodeJS.ErrnoException | null, addrs: { address: string; family: number }[]) => void,
) => void;

/**
 * A `lookup` for http(s).request that resolves every A/AAAA answer, refuses the host if any one is
 * not public, and hands the socket only the addresses it checked, so a rebinding DNS answer between
 * check and connect can't happen (there is only one lookup).
 */
export function checkedLookup(allowPrivate: boolean, resolve: TLookupAll) {
  return (host: string, opts: { all?: boolean; family?: number } | undefined, cb: TLookupCb) =>
    resolve(host, { ...(opts?.family ? { family: opts.family } : {}), all: true }, (err, list) => {
      if (err) return cb(err, "", 0);
      if (!list.length) return cb(Object.assign(new Error(`${host} has no address`), { code: "ENOTFOUND" }), "", 0);
      const bad = allowPrivate ? null : list.map((a) => addressProblem(a.address)).find((p) => p);
      if (bad) return cb(Object.assign(new Error(`${host} resolves to a private address (${bad})`), { code: "EPRIVATE" }), "", 0);
      return opts?.all ? cb(null, list) : cb(null, list[0].address, list[0].family);
    });
}
