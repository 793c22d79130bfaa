// A directory user's SMTP addresses as Exchange resolves them: the primary address (Graph `mail`)
// and every `smtp:` proxy address (aliases). Prefixes compare case-insensitively; "SMTP:" (upper
// case) marks the primary one (https://learn.microsoft.com/en-us/graph/api/resources/user).
import type { DirectoryUser } from "../contracts";

export function smtpAddressesOf(u: Pick<DirectoryUser, "mail" | "proxyAddresses">): string[] {
  const proxies = u.proxyAddresses.filter((p) => /^smtp:/i.test(p)).map((p) => p.slice(5).trim().toLowerCase());
  return [...new Set([u.mail.toLowerCase(), ...proxies])];
}

export function proxyAddressesFor(mail: string, aliases: string[]): string[] {
  const primary = mail.toLowerCase();
  return [`SMTP:${primary}`, ...[...new Set(aliases.map((a) => a.toLowerCase()))].filter((a) => a !== primary).map((a) => `smtp:${a}`)];
}
