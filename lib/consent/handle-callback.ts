import "server-only";
// /api/oauth/callback: finishes a user or admin consent round trip. Checks, in order: the state
// is known, unexpired, unused, came back to the browser that started it (cookie) and, for
// staff-started flows, to the same staff session. Then it redeems the code, validates the
// id_token, and refuses a grant whose signed-in identity isn't the expected user.
import { db } from "../db/client";
import { testMailboxConnection } from "../checks/connection-test";
import { sealValue, unsealValue } from "../crypto";
import { writeAudit } from "../audit/write-audit";
import { markConnected } from "../mailboxes/mailbox-state";
import { hashToken, safeEqual, tokenPurpose } from "./secure-token";
import { loadAppForConsent } from "../grants/load-app-for-consent";
import { checkIdToken, diagnoseRedirectError, redeemCode, type TConsentDiagnosis } from "./ms-adapter";
import { confirmAdminConsent } from "./confirm-admin-consent";
import { completeLinkOf } from "./consent-links";
import { log } from "../log/logger";
import { resumeSetupAfterConnect } from "../mailboxes/shared-setup";
import { recordOrgConsent } from "./org-consent";
import { expectedIdentityOf, wrongPersonDiagnosis } from "./expected-user";
import { isSamePerson, resolveSignedInIdentity } from "./identity-resolution";

export type TCallbackQuery = {
  code?: string;
  state?: string;
  error?: string;
  error_description?: string;
  admin_consent?: string;
  tenant?: string;
  scope?: string;
};

export type TCallbackOutcome = { redirect: string };

const resultUrl = (state: string) => `/oauth/result?state=${encodeURIComponent(state)}`;

function refusal(code: string): TCallbackOutcome {
  return { redirect: `/oauth/result?error=${encodeURIComponent(code)}` };
}

export async function handleCallback(opts: {
  query: TCallbackQuery;
  cookieState: string | undefined;
  staffUserId: string | null;
}): Promise<TCallbackOutcome> {
  const { query: q } = opts;
  const state = q.state ?? "";
  // No state at all, versus one Consentry could never have issued (altered or made up).
  if (!state) return refusal("missing_state");
  if (tokenPurpose(state) !== "state") return refusal("forged_state");
  const req = await db().consentRequest.findUnique({ where: { stateHash: hashToken(state) }, include: { mailbox: true, tenant: true } });
  if (!req) return refusal("unknown_state");
  // Bound to the browser that started the round trip: a link forwarded mid-flight won't complete.
  if (!opts.cookieState || !safeEqual(opts.cookieState, state)) return refusal("state_not_bound");
  if (req.createdById && req.createdById !== opts.staffUserId) return refusal("session_mismatch");
  if (!req.stateExpiresAt || req.stateExpiresAt < new Date()) {
    // Finished earlier (a reload or replay of the callback): only show the result again.
    if (req.resultCode) return { redirect: resultUrl(state) };
    await fail(req.id, !!req.linkTokenHash, {
      code: "consent_expired",
      title: "The sign-in took too long",
      cause: "More than 15 minutes passed between starting and finishing the sign-in.",
      fixSteps: ["Start again."],
      retryable: true,
    });
    return { redirect: resultUrl(state) };
  }
  // Single use: claim the state atomically so a replayed callback does nothing.
  const claimed = await db().consentRequest.updateMany({
    where: { id: req.id, usedAt: null, status: "pending", stateExpiresAt: { gt: new Date() } },
    data: { usedAt: new Date() },
  });
  if (claimed.count !== 1) return refusal("state_used");

  if (q.error) {
    await fail(req.id, !!req.linkTokenHash, diagnoseRedirectError(q.error, q.error_description ?? ""));
    return { redirect: resultUrl(state) };
  }

  const loaded = await loadAppForConsent({
    workspaceId: req.workspaceId,
    tenantId: req.tenantId,
    appRegistrationId: req.appRegistrationId,
  });
  const actor = {
    workspaceId: req.workspaceId,
    staffUserId: req.createdById,
    email: req.createdById
      ? ((await db().staffUser.findUnique({ where: { id: req.createdById } }))?.email ?? "staff")
      : "customer (consent link)",
  };

  if (req.kind === "admin") {
    if ((q.admin_consent ?? "").toLowerCase() !== "true") {
      await fail(
        req.id,
        !!req.linkTokenHash,
        diagnoseRedirectError("access_denied", "AADSTS65004: The resource owner or authorization server denied the request."),
      );
      return { redirect: resultUrl(state) };
    }
    // Recorded only once Microsoft confirms it for the tenant on file; the callback never sets the directory ID.
    const confirmed = await confirmAdminConsent({ app: loaded.ms, returnedTenant: q.tenant, tenant: req.tenant });
    if (!confirmed.ok) {
      await fail(req.id, !!req.linkTokenHash, confirmed.diagnosis);
      await db().event.create({
        data: {
          workspaceId: req.workspaceId,
          tenantId: req.tenantId,
          level: "warn",
          code: confirmed.diagnosis.code,
          message: `Organization consent was not recorded: ${confirmed.diagnosis.title}.`,
          detail: JSON.parse(JSON.stringify(confirmed.diagnosis.detail ?? {})),
        },
      });
      return { redirect: resultUrl(state) };
    }
    const returnedTid = confirmed.tenantId;
    const scopes = (q.scope ?? "").split(/\s+/).filter(Boolean);
    await db().$transaction(async (tx) => {
      // Per app: the /adminconsent redirect names no admin, so the record says how it was verified.
      await recordOrgConsent(tx, {
        workspaceId: req.workspaceId,
        tenantId: req.tenantId,
        appRegistrationId: req.appRegistrationId,
        verifiedBy: "client_credentials",
        scopes,
        directoryId: returnedTid,
        recordedBy: actor.email,
      });
      await completeLinkOf(tx, req);
      await tx.consentRequest.update({
        where: { id: req.id },
        data: {
          status: "completed",
          stateExpiresAt: new Date(0),
          resultCode: "admin_consent_granted",
          resultDetail: {
            returnedTenantId: returnedTid,
            expectedTenantId: req.tenant.directoryId,
            scopes,
            confirmedBy: "client_credentials",
          },
        },
      });
      await tx.event.create({
        data: {
          workspaceId: req.workspaceId,
          tenantId: req.tenantId,
          level: "info",
          code: "admin_consent_granted",
          message: `Organization consent granted for ${loaded.app.displayName}.`,
          detail: { scopes, appRegistrationId: req.appRegistrationId },
        },
      });
      await writeAudit(tx, actor, {
        action: "tenant.admin_consent",
        targetType: "tenant",
        targetId: req.tenantId,
        tenantId: req.tenantId,
        detail: { scopes, returnedTenantId: returnedTid, appRegistrationId: req.appRegistrationId },
      });
    });
    return { redirect: resultUrl(state) };
  }

  const verifierRow = await db().consentRequest.findUniqueOrThrow({ where: { id: req.id }, omit: { sealedCodeVerifier: false } });
  const redeemed = await redeemCode(loaded.ms, {
    code: q.code ?? "",
    codeVerifier: unsealValue(verifierRow.sealedCodeVerifier!, "code_verifier", { workspaceId: req.workspaceId, rowId: req.id }),
  });
  if (!redeemed.ok) {
    await fail(req.id, !!req.linkTokenHash, redeemed.diagnosis);
    return { redirect: resultUrl(state) };
  }
  const who = await checkIdToken(loaded.ms, redeemed.idToken, req.nonce ?? "", req.tenant.directoryId ?? undefined);
  if (!who.ok) {
    await fail(req.id, !!req.linkTokenHash, who.diagnosis);
    return { redirect: resultUrl(state) };
  }
  // Who must have signed in, by the mailbox as it is now (its address, or a shared mailbox's
  // delegate), matched against every address Microsoft holds for the person, not a mutable name.
  const expected = req.mailbox ? expectedIdentityOf(req.mailbox) : null;
  if (!expected) {
    await fail(req.id, !!req.linkTokenHash, {
      code: "consent_mailbox_unusable",
      title: "This mailbox can't be connected as it is",
      cause: "The mailbox was removed, or it is a shared mailbox without a delegate.",
      fixSteps: ["Check the mailbox's settings in Consentry, then start again."],
      retryable: true,
    });
    return { redirect: resultUrl(state) };
  }
  const resolved = await resolveSignedInIdentity(loaded.ms, {
    oid: who.oid,
    upn: who.upn,
    accessToken: redeemed.accessToken,
    resource: redeemed.resource,
    refreshToken: redeemed.refreshToken,
  });
  if (!resolved.ok) {
    await fail(req.id, !!req.linkTokenHash, resolved.diagnosis);
    return { redirect: resultUrl(state) };
  }
  if (!isSamePerson(expected.mustOwn, resolved.identity)) {
    await fail(req.id, !!req.linkTokenHash, wrongPersonDiagnosis(expected, resolved.identity));
    return { redirect: resultUrl(state) };
  }
  const mailboxId = req.mailboxId!;
  const now = new Date();
  await db().$transaction(async (tx) => {
    const grantData = {
      upn: resolved.identity.upn,
      oid: who.oid,
      tid: who.tid,
      scopes: redeemed.scopes,
      sealedRefreshToken: sealValue(redeemed.refreshToken, "refresh_token", { workspaceId: req.workspaceId, rowId: mailboxId }),
      refreshTokenIssuedAt: now,
      sealedAccessToken: sealValue(redeemed.accessToken, "access_token", { workspaceId: req.workspaceId, rowId: mailboxId }),
      accessTokenResource: redeemed.resource,
      accessTokenExpiresAt: new Date(now.getTime() + redeemed.expiresIn * 1000),
      lastRefreshAt: now,
      refreshFailures: 0,
      lastErrorCode: null,
    };
    // Re-connect replaces only the token set: the mailbox, its settings, sync state and history stay.
    await tx.grant.upsert({
      where: { mailboxId },
      create: { ...grantData, workspaceId: req.workspaceId, tenantId: req.tenantId, mailboxId },
      update: grantData,
    });
    // A user mailbox remembers its owner's sign-in name when it isn't the address (the next login_hint).
    if (expected.kind === "user")
      await tx.mailbox.updateMany({
        where: { id: mailboxId, workspaceId: req.workspaceId, tenantId: req.tenantId },
        data: { signInName: resolved.identity.upn === expected.address.toLowerCase() ? null : resolved.identity.upn },
      });
    await completeLinkOf(tx, req);
    await tx.consentRequest.update({
      where: { id: req.id },
      data: {
        status: "completed",
        stateExpiresAt: new Date(0),
        resultCode: "connected",
        resultDetail: { signedIn: resolved.identity.upn, matchedAddress: expected.mustOwn, scopes: redeemed.scopes },
      },
    });
    await markConnected(
      tx,
      { workspaceId: req.workspaceId, tenantId: req.tenantId, mailboxId },
      { upn: resolved.identity.upn, scopes: redeemed.scopes, now, actor },
    );
  });
  // The connection test's outcome is what the mailbox page (or the link's result page) shows next.
  const ref = { workspaceId: req.workspaceId, tenantId: req.tenantId, mailboxId };
  await testMailboxConnection(ref).catch((err) => log.error("connection test after connect failed to run", { ...ref, err }));
  // A shared mailbox's unfinished setup wizard picks up at its checks.
  const wizard = req.createdById ? await resumeSetupAfterConnect(ref) : null;
  return { redirect: req.createdById ? (wizard ?? `/tenants/${req.tenantId}/mailboxes/${mailboxId}?connected=1`) : resultUrl(state) };
}

async function fail(id: string, isLink: boolean, d: TConsentDiagnosis) {
  await db().consentRequest.update({
    where: { id },
    data: {
      // A link stays usable after a failed attempt so the customer can retry; a staff round trip is spent.
      status: isLink ? "pending" : "failed",
      usedAt: isLink ? null : new Date(),
      // This state is spent either way; a retry starts a new round trip with a new state.
      stateExpiresAt: new Date(0),
      resultCode: d.code,
      resultDetail: JSON.parse(
        JSON.stringify({
          title: d.title,
          cause: d.cause,
          fixSteps: d.fixSteps,
          retryable: d.retryable,
          aadsts: d.aadsts ?? [],
          detail: d.detail ?? {},
        }),
      ),
    },
  });
}
