// SASL XOAUTH2 initial response for IMAP, POP and SMTP
// (https://learn.microsoft.com/en-us/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth).
export function buildXOAuth2(user: string, accessToken: string): string {
  return Buffer.from(`user=${user}\x01auth=Bearer ${accessToken}\x01\x01`).toString("base64");
}

/** SMTP signs in as the token's own user (for a shared mailbox, its delegate) and sends with
 *  From = the mailbox, so Exchange applies SendAs (554 5.2.252 SendAsDenied when it's missing; 550 5.7.60 on older tenants). IMAP and POP differ:
 *  there `user=` names the shared mailbox (same Microsoft Learn page, shared mailboxes). */
export function smtpAuthUser(mb: {
  address: string;
  kind: "user" | "shared";
  delegateUpn?: string | null;
  grant?: { upn: string } | null;
}): string {
  return mb.kind === "shared" ? (mb.grant?.upn ?? mb.delegateUpn ?? mb.address) : mb.address;
}
