// SASL XOAUTH2 initial response for IMAP, POP and SMTP (MICROSOFT.md §2.1).
export function buildXOAuth2(user: string, accessToken: string): string {
  return Buffer.from(`user=${user}\x01auth=Bearer ${accessToken}\x01\x01`).toString("base64");
}
