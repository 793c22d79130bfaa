import "server-only";
// What Consentry can know about a shared mailbox that a protocol refused, to tell its causes
// apart (issue 12 §1): who signed in (the grant's account against the delegate on file), the
// failing protocol, one Microsoft Graph read of the shared mailbox with the delegate's own token
// (only when the grant carries the `.Shared` scopes that allow it), and the mailbox's history (a
// check that passed with the same sign-in means a permission changed since). Each piece becomes
// an evidence line shown with the diagnosis, so nobody has to trust a guess.
import { db } from "../db/client";
import { graphClient, graphFailure } from "../mail/graph";
import { TokenError } from "../grants/get-access-token";
import { mailboxToken } from "../grants/mailbox-token";
import type { TDirectoryEvidence } from "../diagnostics/classify";
import type { TCloud } from "../microsoft/clouds";
import { hostsFor } from "../microsoft/hosts-for";
import type { TRefresher } from "../grants/get-access-token";

type TCtx = { workspaceId: string; tenantId: string; mailboxId: string };
type TMailbox = {
  address: string;
  kind: "user" | "shared";
  delegateUpn: string | null;
  tenant: { cloud: TCloud };
  grant: { upn: string; scopes?: string[]; createdAt?: Date } | null;
};

const READ_SHARED = /\/Mail\.(Read|ReadWrite)\.Shared$|^Mail\.(Read|ReadWrite)\.Shared$/;
const POP_SCOPE = /POP\.AccessAsUser\.All$/;
const norm = (s: string | null | undefined) => (s ?? "").trim().toLowerCase();
const when = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ") + " UTC";

/** Evidence for a shared mailbox whose checks failed on `failedProtocols`. Never throws for a
 *  Microsoft answer: an unreachable Graph is itself a line of evidence. */
export async function sharedMailboxEvidence(
  ctx: TCtx,
  mb: TMailbox,
  failedProtocols: ("imap" | "pop" | "smtp" | "graph")[],
  opts: { refresher?: TRefresher } = {},
): Promise<TDirectoryEvidence> {
  const facts: string[] = [];
  const scopes = mb.grant?.scopes ?? [];
  const ev: TDirectoryEvidence = {
    expectedUser: mb.address,
    tokenUpn: mb.grant?.upn,
    mailboxKind: mb.kind,
    delegateUpn: mb.delegateUpn ?? undefined,
    hasSharedScopes: scopes.some((s) => READ_SHARED.test(s)),
    hasPopScope: scopes.some((s) => POP_SCOPE.test(s)),
    facts,
  };
  if (!mb.grant) return ev;
  const signer = norm(mb.grant.upn);
  if (signer === norm(mb.address)) {
    facts.push(`The sign-in on file is the shared address itself (${mb.grant.upn}), not a delegate.`);
  } else if (mb.delegateUpn) {
    ev.signedInAsDelegate = signer === norm(mb.delegateUpn);
    facts.push(
      ev.signedInAsDelegate
        ? `Signed in as ${mb.grant.upn}, the delegate on file, so the sign-in itself is right.`
        : `Signed in as ${mb.grant.upn}, but the delegate on file is ${mb.delegateUpn}.`,
    );
  }
  const names = failedProtocols.map((p) =>
    p === "imap" ? `IMAP (user=${mb.address})` : p === "graph" ? "Microsoft Graph" : p.toUpperCase(),
  );
  if (names.length) facts.push(`Refused: ${names.join(", ")}.`);

  // The mailbox's history: the newest passing test of the same protocol with this sign-in.
  const passed = await db().event.findFirst({
    where: { workspaceId: ctx.workspaceId, tenantId: ctx.tenantId, mailboxId: ctx.mailboxId, code: "connection_test_passed" },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true, detail: true },
  });
  const passedSteps = ((passed?.detail as { steps?: { protocol: string; ok: boolean }[] } | null)?.steps ?? []).filter((s) => s.ok);
  const sameSignIn = !!passed && (!mb.grant.createdAt || passed.createdAt >= mb.grant.createdAt);
  const workedBefore = failedProtocols.filter((p) => passedSteps.some((s) => s.protocol === p));
  if (passed && sameSignIn && workedBefore.length)
    facts.push(
      `${workedBefore.map((p) => p.toUpperCase()).join(", ")} worked on ${when(passed.createdAt)} with the same sign-in, so something changed on the mailbox since.`,
    );

  if (ev.signedInAsDelegate === false || signer === norm(mb.address)) return ev;
  // Graph's own refusals already say which it is; the read below is for IMAP's and POP's.
  if (!failedProtocols.some((p) => p === "imap" || p === "pop")) return ev;
  if (!ev.hasSharedScopes) {
    facts.push(
      "This sign-in carries no Microsoft Graph permission to read shared mailboxes, so Consentry couldn't ask Exchange directly; with the delegate signed in, a missing FullAccess is the likeliest cause (IMAP turned off for the shared mailbox, or a mailbox outside Exchange Online, look the same).",
    );
    return ev;
  }
  // One read of the shared mailbox's Inbox with the delegate's own Graph token.
  try {
    const { accessToken } = await mailboxToken({ ...ctx, cloud: mb.tenant.cloud }, "graph", { refresher: opts.refresher });
    await graphClient(hostsFor(mb.tenant.cloud).graphUrl, accessToken)
      .api(`/users/${encodeURIComponent(mb.address)}/mailFolders/inbox`)
      .select("displayName")
      .get();
    ev.graphRead = "ok";
    facts.push(`Microsoft Graph opened ${mb.address}'s Inbox with the delegate's token: FullAccess is in place.`);
  } catch (err) {
    if (err instanceof TokenError) {
      facts.push(`Consentry couldn't get a Microsoft Graph token for this sign-in to check further (${err.code}).`);
      return ev;
    }
    const f = graphFailure(err);
    const code = (f.graphCode ?? "").toLowerCase();
    if (code === "erroraccessdenied") {
      ev.graphRead = "access_denied";
      facts.push(`Microsoft Graph, asked with the delegate's token for ${mb.address}'s Inbox, answered ErrorAccessDenied: no FullAccess.`);
    } else if (code === "mailboxnotenabledforrestapi" || code === "mailboxnotsupportedforrestapi") {
      ev.graphRead = "not_enabled";
      facts.push(
        `Microsoft Graph answered ${f.graphCode} for ${mb.address}: the mailbox isn't in Exchange Online (on-premises or inactive).`,
      );
    } else if (code === "errorquotaexceeded") {
      ev.graphRead = "quota";
      facts.push(`Microsoft Graph answered ErrorQuotaExceeded for ${mb.address}: the mailbox is over its size limit.`);
    } else {
      facts.push(
        `Microsoft Graph's read of ${mb.address} failed too (${f.graphCode ?? f.status ?? "no answer"}), which doesn't tell the causes apart.`,
      );
    }
  }
  return ev;
}
