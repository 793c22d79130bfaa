import "server-only";
// Who signed in, by the addresses Microsoft holds for them: at Connect, Graph's /me gives the
// user's UPN, primary SMTP address (`mail`) and every alias (`proxyAddresses`), so a mailbox
// whose address differs from the sign-in name, or is an alias, is recognised as that person's.
// /me needs a Graph token with User.Read. Graph profiles have one from the code redemption;
// IMAP/POP profiles consented to User.Read at sign-in (several resources are fine at /authorize)
// but redeem the code for Outlook only (one resource per token request, AADSTS28000), so the
// refresh token is redeemed once more for Graph's User.Read:
// https://learn.microsoft.com/en-us/entra/identity-platform/scenario-desktop-production
import { hostsFor } from "../microsoft/hosts-for";
import { identityScope } from "../microsoft/scope-profiles";
import { refreshAccessToken } from "../microsoft/token-client";
import { graphClient, graphFailure } from "../mail/graph";
import { tokenUrlFor } from "../grants/load-app-for-consent";
import { classifyTokenFailure } from "../diagnostics/classify";
import type { TConsentDiagnosis, TMsApp } from "./ms-adapter";

export type TSignedInIdentity = { oid: string; upn: string; mail: string | null; addresses: string[] };

/** The SMTP addresses of a /me answer, lower-case, "SMTP:"/"smtp:" prefixes removed; other
 *  proxy address types (SIP:, X500:) are not mail addresses. */
export function addressesOf(me: { userPrincipalName?: string | null; mail?: string | null; proxyAddresses?: string[] | null }): string[] {
  const smtp = (me.proxyAddresses ?? []).filter((p) => /^smtp:/i.test(p)).map((p) => p.slice(5).trim().toLowerCase());
  return [...new Set([...(me.mail ? [me.mail.toLowerCase()] : []), ...smtp])];
}

/** True when `expected` (a mailbox address, or a shared mailbox's delegate) is the person who
 *  signed in: their UPN, primary address or an alias, compared case-insensitively. */
export function isSamePerson(expected: string, who: { upn: string; addresses: string[] }): boolean {
  const e = expected
    .trim()
    .toLowerCase()
    .replace(/^smtp:/, "");
  return who.upn.toLowerCase() === e || who.addresses.includes(e);
}

export async function resolveSignedInIdentity(
  app: TMsApp,
  p: { oid: string; upn: string; accessToken: string; resource: string; refreshToken: string },
): Promise<{ ok: true; identity: TSignedInIdentity } | { ok: false; diagnosis: TConsentDiagnosis }> {
  const hosts = hostsFor(app.cloud);
  let token = p.accessToken;
  if (p.resource.replace(/\/$/, "") !== hosts.graphResource.replace(/\/$/, "")) {
    const res = await refreshAccessToken(
      { tokenUrl: tokenUrlFor(app), cloud: app.cloud, clientId: app.clientId, clientSecret: app.clientSecret },
      { refreshToken: p.refreshToken, scopes: [identityScope(hosts)] },
    );
    if (!res.ok) {
      const d = classifyTokenFailure(res).diagnosis;
      return {
        ok: false,
        diagnosis: {
          code: d.code,
          title: `Consentry couldn't read who signed in: ${d.title}`,
          cause: `${d.cause} Consentry reads the signed-in account's addresses from Microsoft Graph (User.Read) to check that it owns this mailbox.`,
          fixSteps: [
            'Add the delegated Microsoft Graph permission "User.Read" to the app registration in Azure (it is in the app\'s setup list).',
            ...d.fixSteps,
          ],
          retryable: true,
          aadsts: d.aadsts,
          detail: { step: "graph_user_read_token" },
        },
      };
    }
    token = res.accessToken;
  }
  try {
    const me = (await graphClient(hosts.graphUrl, token)
      .api("/me")
      .select(["id", "userPrincipalName", "mail", "proxyAddresses"])
      .get()) as {
      id?: string;
      userPrincipalName?: string | null;
      mail?: string | null;
      proxyAddresses?: string[] | null;
    };
    // /me answers for the token's user; a different id would mean a token mix-up, never a match.
    if (me.id && me.id.toLowerCase() !== p.oid.toLowerCase()) throw new Error("Graph /me answered for another user.");
    return {
      ok: true,
      identity: {
        oid: p.oid,
        upn: (me.userPrincipalName ?? p.upn).toLowerCase(),
        mail: me.mail ? me.mail.toLowerCase() : null,
        addresses: addressesOf(me),
      },
    };
  } catch (err) {
    const f = graphFailure(err);
    return {
      ok: false,
      diagnosis: {
        code: "signed_in_identity_unreadable",
        title: "Consentry couldn't read who signed in",
        cause: `Microsoft Graph refused to read the signed-in account's profile (${f.status ?? "no answer"}${f.graphCode ? ` ${f.graphCode}` : ""}). Consentry needs the account's addresses to check that it owns this mailbox.`,
        fixSteps: [
          'Make sure the app registration has the delegated Microsoft Graph permission "User.Read" and the user (or an admin) consented to it.',
          "Connect again.",
        ],
        retryable: true,
        detail: { step: "graph_me", status: f.status ?? null, code: f.graphCode ?? null },
      },
    };
  }
}
