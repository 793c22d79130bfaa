// Who must sign in for a mailbox's user consent: the mailbox's own address (a user mailbox signs
// in as itself) or a shared mailbox's delegate. Without one, the callback could not refuse a
// grant for the wrong account, so consent is never started without it.
import { badRequest } from "../core/errors";

export const NO_DELEGATE_MESSAGE =
  "This shared mailbox has no delegate, so Consentry can't check who signs in. Fill in \"Delegate (signs in)\" on the mailbox's settings with the user who holds FullAccess, then connect again.";

export function expectedUserOf(mb: { address: string; kind: "user" | "shared"; delegateUpn: string | null }): string {
  const upn = mb.kind === "shared" ? mb.delegateUpn : mb.address;
  if (!upn) throw badRequest(NO_DELEGATE_MESSAGE, { delegateUpn: "Required to connect a shared mailbox." });
  return upn;
}
