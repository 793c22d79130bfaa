import "server-only";
// Starts one OAuth round trip: a fresh state (bound to this browser by a cookie), PKCE verifier
// and nonce on a ConsentRequest row, and the Microsoft URL to send the browser to.
import { db } from "../db/client";
import { sealValue } from "../crypto";
import { badRequest, conflict, notFound } from "../core/errors";
import { forTenantWhere, type TMailboxRef } from "../core/scope";
import { hashToken, newToken } from "./secure-token";
import { loadAppForConsent } from "../grants/load-app-for-consent";
import { adminConsentUrl, authorizeUrl, pkcePair } from "./ms-adapter";
import { expectedUserOf, NO_DELEGATE_MESSAGE } from "./expected-user";
import { isAppOnlyProfile } from "../microsoft/scope-profiles";
import { getOrgConsent } from "./org-consent";

export const STATE_TTL_MS = 15 * 60_000;
export const STATE_COOKIE = "consentry_oauth_state";

export type TStarted = { url: string; state: string };

const APP_ONLY_NO_USER =
  "This app connects mailboxes with its own identity (app-only): there is no user sign-in. Use the mailbox's app-only checklist, starting with organization consent.";

/** Staff pressed Connect (or Re-connect) on a mailbox. */
export async function startMailboxConsent(opts: TMailboxRef & { staffUserId: string }): Promise<TStarted> {
  const mb = await db().mailbox.findFirst({ where: { id: opts.mailboxId, workspaceId: opts.workspaceId, tenantId: opts.tenantId } });
  if (!mb) throw notFound("Mailbox");
  if (!mb.appRegistrationId) throw badRequest("Pick an app registration for this mailbox first.");
  const app = await db().appRegistration.findFirst({
    where: { id: mb.appRegistrationId, workspaceId: opts.workspaceId },
    select: { scopeProfile: true },
  });
  if (app && isAppOnlyProfile(app.scopeProfile)) throw badRequest(APP_ONLY_NO_USER);
  const expectedUpn = expectedUserOf(mb);
  const req = await db().consentRequest.create({
    data: {
      workspaceId: opts.workspaceId,
      tenantId: opts.tenantId,
      mailboxId: mb.id,
      appRegistrationId: mb.appRegistrationId,
      kind: "user",
      expectedUpn,
      createdById: opts.staffUserId,
      expiresAt: new Date(Date.now() + STATE_TTL_MS),
    },
  });
  return beginRoundTrip(req.id);
}

/** Staff asked for organization (admin) consent themselves, as a tenant admin. */
export async function startAdminConsent(opts: {
  workspaceId: string;
  tenantId: string;
  appRegistrationId: string;
  staffUserId: string;
}): Promise<TStarted> {
  const app = await db().appRegistration.findFirst({
    where: { id: opts.appRegistrationId, workspaceId: opts.workspaceId, ...forTenantWhere(opts.tenantId) },
    select: { id: true },
  });
  if (!app) throw badRequest("Pick an app registration usable in this tenant.", { appRegistrationId: "Unknown app." });
  const req = await db().consentRequest.create({
    data: {
      workspaceId: opts.workspaceId,
      tenantId: opts.tenantId,
      appRegistrationId: app.id,
      kind: "admin",
      createdById: opts.staffUserId,
      expiresAt: new Date(Date.now() + STATE_TTL_MS),
    },
  });
  return beginRoundTrip(req.id);
}

/** A consent link's visitor pressed "Continue to Microsoft". Each visit gets its own attempt row
 *  (state, PKCE verifier, nonce), so a second visitor never breaks the first one's sign-in; the
 *  link stays usable until an attempt succeeds, it is revoked or it expires. */
export async function startFromLink(linkRequestId: string): Promise<TStarted> {
  const link = await db().consentRequest.findUniqueOrThrow({ where: { id: linkRequestId } });
  if (!link.linkTokenHash) throw conflict("This consent request isn't a link.");
  if (link.status !== "pending")
    throw conflict(link.status === "completed" ? "This consent link was already used." : "This consent link was withdrawn.");
  if (link.expiresAt < new Date()) throw conflict("This consent link has expired.");
  if (link.kind === "user" && !link.expectedUpn)
    throw badRequest(NO_DELEGATE_MESSAGE, { delegateUpn: "Required to connect a shared mailbox." });
  const attempt = await db().consentRequest.create({
    data: {
      workspaceId: link.workspaceId,
      tenantId: link.tenantId,
      mailboxId: link.mailboxId,
      appRegistrationId: link.appRegistrationId,
      kind: link.kind,
      expectedUpn: link.expectedUpn,
      linkRequestId: link.id,
      expiresAt: link.expiresAt,
    },
  });
  return beginRoundTrip(attempt.id);
}

async function beginRoundTrip(consentRequestId: string): Promise<TStarted> {
  const req = await db().consentRequest.findUniqueOrThrow({ where: { id: consentRequestId }, include: { mailbox: true, tenant: true } });
  if (req.status === "completed") throw conflict("This consent request was already completed.");
  if (req.expiresAt < new Date()) throw conflict("This consent request has expired.");
  // A user consent without an expected user would accept a grant for anyone (e.g. a link made
  // before its shared mailbox's delegate was cleared).
  if (req.kind === "user" && !req.expectedUpn)
    throw badRequest(NO_DELEGATE_MESSAGE, { delegateUpn: "Required to connect a shared mailbox." });
  const loaded = await loadAppForConsent({
    workspaceId: req.workspaceId,
    tenantId: req.tenantId,
    appRegistrationId: req.appRegistrationId,
  });
  // An app-only app has no user sign-in (its scope would be empty): its mailboxes connect through
  // the app-only checklist; only organization (admin) consent applies to it.
  if (req.kind === "user" && isAppOnlyProfile(loaded.app.scopeProfile)) throw badRequest(APP_ONLY_NO_USER);
  const state = newToken("state");
  const nonce = newToken("state").slice(3);
  const { verifier, challenge } = pkcePair();
  // After org consent the user must not be asked again: select_account, never consent.
  const orgConsented =
    req.kind === "user" &&
    !!(await getOrgConsent({ workspaceId: req.workspaceId, tenantId: req.tenantId, appRegistrationId: req.appRegistrationId }));
  const prompt =
    req.kind === "user" ? (orgConsented && loaded.app.defaultPrompt === "consent" ? "select_account" : loaded.app.defaultPrompt) : null;
  await db().consentRequest.update({
    where: { id: req.id },
    data: {
      stateHash: hashToken(state),
      stateExpiresAt: new Date(Date.now() + STATE_TTL_MS),
      sealedCodeVerifier: sealValue(verifier, "code_verifier", { workspaceId: req.workspaceId, rowId: req.id }),
      nonce,
      prompt,
      status: "pending",
    },
  });
  const url =
    req.kind === "admin"
      ? adminConsentUrl(loaded.ms, { state })
      : authorizeUrl(loaded.ms, {
          state,
          nonce,
          codeChallenge: challenge,
          prompt: prompt ?? "select_account",
          loginHint: req.expectedUpn ?? undefined,
        });
  return { url, state };
}
