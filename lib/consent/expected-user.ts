// Who must sign in for a mailbox's user consent: the mailbox's owner (a user mailbox signs in as
// itself, by its sign-in name when that differs from the address) or a shared mailbox's delegate.
// Without one, the callback could not refuse a grant for the wrong account, so consent is never
// started without it.
import { badRequest } from "../core/errors";
import type { TConsentDiagnosis } from "./ms-adapter";

export const NO_DELEGATE_MESSAGE =
  "This shared mailbox has no delegate, so Consentry can't check who signs in. Fill in \"Delegate (signs in)\" on the mailbox's settings with the user who holds FullAccess, then connect again.";

type TMailboxWho = { address: string; kind: "user" | "shared"; delegateUpn: string | null; signInName?: string | null };

/** The account Microsoft's page is hinted to (login_hint), and the one a consent link names. */
export function expectedUserOf(mb: TMailboxWho): string {
  const upn = mb.kind === "shared" ? mb.delegateUpn : (mb.signInName ?? mb.address);
  if (!upn) throw badRequest(NO_DELEGATE_MESSAGE, { delegateUpn: "Required to connect a shared mailbox." });
  return upn;
}

/** What the callback checks: `mustOwn` is an address (or UPN) the signed-in person must have —
 *  the mailbox's address for a user mailbox; for a shared mailbox the delegate, who signs in for
 *  it (the shared address itself is never a sign-in). Null when there is nobody to expect. */
export function expectedIdentityOf(
  mb: TMailboxWho,
): { kind: "user" | "shared"; mustOwn: string; address: string; loginHint: string } | null {
  if (mb.kind === "shared") {
    if (!mb.delegateUpn) return null;
    return { kind: "shared", mustOwn: mb.delegateUpn.toLowerCase(), address: mb.address, loginHint: mb.delegateUpn };
  }
  return { kind: "user", mustOwn: mb.address.toLowerCase(), address: mb.address, loginHint: mb.signInName ?? mb.address };
}

export function wrongPersonDiagnosis(
  expected: { kind: "user" | "shared"; mustOwn: string; address: string; loginHint: string },
  who: { upn: string; mail: string | null; addresses: string[] },
): TConsentDiagnosis {
  const whoText = who.mail && who.mail !== who.upn ? `${who.upn} (mailbox ${who.mail})` : who.upn;
  const cause =
    expected.kind === "shared"
      ? `${whoText} signed in, but this shared mailbox is connected through its delegate ${expected.mustOwn}, and ${who.upn} isn't that account (none of its addresses is ${expected.mustOwn}).`
      : `${whoText} signed in, but ${expected.address} isn't one of that account's addresses (${who.addresses.join(", ") || "none"}). A token for another account can't open this mailbox (Exchange answers "User is authenticated but not connected").`;
  return {
    code: "wrong_user_signed_in",
    title: "The wrong account signed in",
    cause,
    fixSteps: [
      `Open the link in a private (incognito) window, or sign out of Microsoft first.`,
      `On Microsoft's page choose "Use another account" and sign in as ${expected.loginHint}.`,
      ...(expected.kind === "user"
        ? [
            `If ${expected.address} really belongs to ${who.upn} (a new alias, say), check the address in Exchange (Get-Mailbox ${who.upn} | Select -Expand EmailAddresses), or fix the mailbox's address in Consentry.`,
          ]
        : []),
    ],
    retryable: true,
    detail: { signedIn: who.upn, signedInAddresses: who.addresses, expected: expected.mustOwn, loginHint: expected.loginHint },
  };
}
