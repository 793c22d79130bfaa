import "server-only";
// A mailbox's access token for one protocol: its cloud's hosts, the resource that protocol's
// token is for, then getAccessToken with the production refresher. Every caller that talks to a
// mailbox (sync, IDLE, Graph push, checks, sending) starts here. It lives in lib/grants rather than
// lib/mailboxes because lib/grants writes mailbox state (lib/mailboxes/mailbox-state.ts) on a
// token failure; a lib/mailboxes file importing lib/grants would make the two folders a cycle.
// An app-only mailbox (its app's profile is app-only) has no grant: its token is the app's own
// client-credentials token for the tenant (app-only-token.ts); everything after the token is the same.
import { db } from "../db/client";
import { hostsFor } from "../microsoft/hosts-for";
import type { TCloud, TCloudHosts } from "../microsoft/clouds";
import { isAppOnlyProfile, resourceForProtocol } from "../microsoft/scope-profiles";
import { markTokenFailure } from "../mailboxes/mailbox-state";
import { getAccessToken, TokenError, type TRefresher } from "./get-access-token";
import { appOnlyToken } from "./app-only-token";
import { microsoftRefresher } from "./microsoft-refresher";

export type TMailProtocol = "imap" | "pop" | "graph" | "smtp";
/** `appOnly`: set for an app-only mailbox (the app's id and what its token says). */
export type TMailboxToken = {
  hosts: TCloudHosts;
  resource: string;
  accessToken: string;
  expiresAt: Date;
  appOnly?: { appId: string; appRegistrationId: string; spObjectId: string | null; roles: string[] };
};

/** The app-only app of a mailbox, or null for a mailbox connected by a user's consent. */
export async function appOnlyAppOf(ref: { workspaceId: string; tenantId: string; mailboxId: string }) {
  const mb = await db().mailbox.findFirst({
    where: { id: ref.mailboxId, workspaceId: ref.workspaceId, tenantId: ref.tenantId },
    select: { appRegistration: { select: { id: true, clientId: true, scopeProfile: true, workspaceId: true } } },
  });
  const app = mb?.appRegistration;
  return app && app.workspaceId === ref.workspaceId && isAppOnlyProfile(app.scopeProfile) ? app : null;
}

/** Does the app open another mailbox of this tenant (a connected app-only mailbox that synced)? */
export async function appOpensOtherMailbox(ref: { workspaceId: string; tenantId: string; mailboxId: string }, appRegistrationId: string) {
  const n = await db().mailbox.count({
    where: {
      workspaceId: ref.workspaceId,
      tenantId: ref.tenantId,
      appRegistrationId,
      id: { not: ref.mailboxId },
      state: "connected",
      lastSyncAt: { not: null },
    },
  });
  return n > 0;
}

/** The hosts of a cloud and the resource a protocol's token is for. */
export function mailboxResource(cloud: TCloud, protocol: TMailProtocol): { hosts: TCloudHosts; resource: string } {
  const hosts = hostsFor(cloud);
  return { hosts, resource: resourceForProtocol(protocol, hosts) };
}

/** Throws TokenError as getAccessToken does (which has already recorded the failure on the mailbox). */
export async function mailboxToken(
  ref: { workspaceId: string; tenantId: string; mailboxId: string; cloud: TCloud },
  protocol: TMailProtocol,
  opts: { refresher?: TRefresher; forceRefresh?: boolean } = {},
): Promise<TMailboxToken> {
  const { hosts, resource } = mailboxResource(ref.cloud, protocol);
  const app = await appOnlyAppOf(ref);
  if (app) {
    try {
      const t = await appOnlyToken(
        { workspaceId: ref.workspaceId, tenantId: ref.tenantId, appRegistrationId: app.id },
        resource,
        opts.forceRefresh ? { forceRefresh: true } : {},
      );
      return {
        hosts,
        resource,
        accessToken: t.accessToken,
        expiresAt: t.expiresAt,
        appOnly: { appId: app.clientId, appRegistrationId: app.id, spObjectId: t.spObjectId, roles: t.roles },
      };
    } catch (err) {
      // Recorded on the mailbox as a grant's failure is (state, event), for health and alerts.
      if (err instanceof TokenError)
        await db().$transaction((tx) =>
          markTokenFailure(tx, ref, { kind: err.kind, code: err.code, message: err.message, retryAfterSeconds: err.retryAfterSeconds }),
        );
      throw err;
    }
  }
  const r = await getAccessToken(
    { workspaceId: ref.workspaceId, tenantId: ref.tenantId, mailboxId: ref.mailboxId, resource },
    opts.refresher ?? microsoftRefresher,
    opts.forceRefresh ? { forceRefresh: true } : {},
  );
  return { hosts, resource, accessToken: r.accessToken, expiresAt: r.expiresAt };
}
