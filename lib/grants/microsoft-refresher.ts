import "server-only";
// The production refresher for getAccessToken: redeems a grant's refresh token at the tenant's
// token endpoint with the app's current active secret (so a rotated secret takes over at once).
import { db } from "../db/client";
import { loadAppForConsent, tokenUrlFor } from "./load-app-for-consent";
import { refreshAccessToken } from "../microsoft/token-client";
import { scopesForResource } from "../microsoft/scope-profiles";
import { classifyTokenFailure } from "../diagnostics/classify";
import type { TRefresher } from "./get-access-token";
import type { TMailboxRef } from "../core/scope";

/** oid and preferred_username of an id_token received straight from the token endpoint over TLS,
 *  which OpenID Connect Core §3.1.3.7 lets a client trust without checking the signature. */
function idTokenIdentity(idToken: string): { oid: string; upn: string } | null {
  try {
    const c = JSON.parse(Buffer.from(idToken.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
    return typeof c.oid === "string" && typeof c.preferred_username === "string" ? { oid: c.oid, upn: c.preferred_username } : null;
  } catch {
    return null;
  }
}

type TLoaded = Awaited<ReturnType<typeof loadAppForConsent>>;

// Refreshes of many mailboxes on one app at the same moment (a storm) share one load of the app
// and its secret; nothing is kept once it's done, so a rotated secret is used from the next load.
const loading = new Map<string, Promise<TLoaded>>();

async function prepare(ctx: TMailboxRef): Promise<TLoaded> {
  const mb = await db().mailbox.findFirst({
    where: { id: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId },
    select: { appRegistrationId: true },
  });
  if (!mb?.appRegistrationId) throw new Error("The mailbox has no app registration.");
  const ref = { workspaceId: ctx.workspaceId, tenantId: ctx.tenantId, appRegistrationId: mb.appRegistrationId };
  const key = `${ref.workspaceId}:${ref.tenantId}:${ref.appRegistrationId}`;
  const running = loading.get(key);
  if (running) return running;
  const p = loadAppForConsent(ref).finally(() => loading.delete(key));
  loading.set(key, p);
  return p;
}

export const microsoftRefresher: TRefresher = Object.assign(
  async (input: Parameters<TRefresher>[0], prepared?: unknown) => {
    const loaded = (prepared as TLoaded | undefined) ?? (await prepare(input));
    const res = await refreshAccessToken(
      { tokenUrl: tokenUrlFor(loaded.ms), cloud: loaded.ms.cloud, clientId: loaded.ms.clientId, clientSecret: loaded.ms.clientSecret },
      // openid: Microsoft answers with an id_token naming who the grant belongs to now (a renamed UPN).
      { refreshToken: input.refreshToken, scopes: [...scopesForResource(input.resource, input.scopes), "openid"] },
    );
    if (res.ok)
      return {
        ok: true as const,
        accessToken: res.accessToken,
        refreshToken: res.refreshToken ?? undefined,
        expiresIn: res.expiresIn,
        scopes: res.scopes,
        signedIn: res.idToken ? (idTokenIdentity(res.idToken) ?? undefined) : undefined,
      };
    const c = classifyTokenFailure(res);
    return {
      ok: false as const,
      kind: c.kind,
      code: c.diagnosis.code,
      message: c.diagnosis.evidence.summary || c.diagnosis.title,
      retryAfterSeconds: res.retryAfterSeconds ?? undefined,
    };
  },
  { prepare },
);
