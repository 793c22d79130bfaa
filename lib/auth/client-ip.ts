// The address a request came from, for sign-in throttling. X-Forwarded-For is written left to
// right: the client (or whatever the client claims), then each proxy appends the address it saw.
// Only entries written by our own proxies can be believed, so we count TRUSTED_PROXY_COUNT from
// the right; anything left of that is the client's own claim and is never used.
import { isIP } from "node:net";

export function clientIpFrom(forwardedFor: string | string[] | null | undefined, trustedProxyCount: number): string {
  const joined = Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "");
  const hops = joined
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  if (!hops.length) return "unknown";
  // With no proxy, Next sets the header from the socket (the rightmost, and only, entry we wrote).
  // With N proxies, the first one appended the client's address: N places from the right.
  const at = trustedProxyCount <= 0 ? hops.length - 1 : Math.max(0, hops.length - trustedProxyCount);
  return normalizeIp(hops[at]);
}

function normalizeIp(raw: string): string {
  let v = raw;
  // "[::1]:443" and "1.2.3.4:5678" (some proxies add the port).
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(v);
  if (bracketed) v = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(v)) v = v.slice(0, v.lastIndexOf(":"));
  v = v.toLowerCase();
  if (v.startsWith("::ffff:") && isIP(v.slice(7)) === 4) v = v.slice(7);
  return isIP(v) ? v : "unknown";
}
