// Webhook targets are the MSP's own systems on the internet. Unless WEBHOOK_ALLOW_PRIVATE is on,
// refuse plain http and any address that is loopback, private, link-local (cloud metadata), CGNAT
// or unspecified, checked on the resolved address at delivery time too (DNS rebinding).
import { isIP } from "node:net";

export function isPrivateAddress(ip: string): boolean {
  const v = isIP(ip);
  if (v === 4) {
    const [a, b] = ip.split(".").map(Number);
    return a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || a >= 224;
  }
  if (v === 6) {
    const x = ip.toLowerCase();
    if (x === "::" || x === "::1") return true;
    const mapped = x.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
    if (mapped) return isPrivateAddress(mapped[1]);
    return /^f[cd]/.test(x) || /^fe[89ab]/.test(x) || /^ff/.test(x);
  }
  return true;
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
  if (u.protocol !== "https:" && !(allowPrivate && u.protocol === "http:")) return "Use https:// (plain http is only allowed for local testing).";
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivate && (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal") || (isIP(host) && isPrivateAddress(host)))) {
    return "That address is on a private network; webhooks go to public endpoints.";
  }
  return null;
}
