// Whether a protocol refused the access token itself (IMAP/POP "AUTHENTICATE failed", SMTP
// 535 5.7.3, Graph 401): such a refusal names no cause, while the identity platform does. Callers
// force one refresh before diagnosing it, so the mailbox shows the real cause at once (a revoked
// grant AADSTS50173, a password reset, an MFA or Conditional Access change, consent removed), or,
// when the fresh token works, carry on.
import type { TMicrosoftFailure } from "../microsoft/parse-error";

export function isTokenRejection(f: TMicrosoftFailure): boolean {
  if (f.source === "imap" || f.source === "pop") return f.imapKind === "auth_failed";
  if (f.source === "graph") return f.status === 401 || (f.graphCode ?? "").toLowerCase() === "invalidauthenticationtoken";
  // 535 5.7.139 is SMTP AUTH being off, not the token.
  if (f.source === "smtp") return f.enhancedCode === "5.7.3" || (f.smtpCode === 535 && f.enhancedCode !== "5.7.139");
  return false;
}
