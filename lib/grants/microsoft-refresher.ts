import "server-only";
// The production refresher for getAccessToken: redeems a grant's refresh token at the tenant's
// token endpoint with the app's current active secret (so a rotated secret takes over at once).
import { db } from "../db/client";
import { loadAppForConsent } from "../consent/load-app-for-consent";
import { tokenUrlFor } from "../consent/ms-adapter";
import { refreshAccessToken } from "../microsoft/token-client";
import { scopesForResource } from "../microsoft/scope-profiles";
import { classifyTokenFailure } from "../diagnostics/classify";
import type { TRefresher } from "./get-access-token";

export const microsoftRefresher: TRefresher = async (input) => {
  const mb = await db().mailbox.findFirst({ where: { id: input.mailboxId, workspaceId: input.workspaceId, tenantId: input.tenantId }, select: { appRegistrationId: true } });
  if (!mb?.appRegistrationId) return { ok: false, kind: "permanent_client", code: "app_not_found_in_tenant", message: "The mailbox has no app registration." };
  const loaded = await loadAppForConsent({ workspaceId: input.workspaceId, tenantId: input.tenantId, appRegistrationId: mb.appRegistrationId });
  const res = await refreshAccessToken(
    { tokenUrl: tokenUrlFor(loaded.ms), clientId: loaded.ms.clientId, clientSecret: loaded.ms.clientSecret },
    { refreshToken: input.refreshToken, scopes: scopesForResource(input.resource, input.scopes) },
  );
  if (res.ok) return { ok: true, accessToken: res.accessToken, refreshToken: res.refreshToken ?? undefined, expiresIn: res.expiresIn, scopes: res.scopes };
  const c = classifyTokenFailure(res);
  return { ok: false, kind: c.kind, code: c.diagnosis.code, message: c.diagnosis.evidence.summary || c.diagnosis.title, retryAfterSeconds: res.retryAfterSeconds ?? undefined };
};
