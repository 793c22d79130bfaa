import "server-only";
// A mailbox's access token for one protocol: its cloud's hosts, the resource that protocol's
// token is for, then getAccessToken with the production refresher. Every caller that talks to a
// mailbox (sync, IDLE, Graph push, checks, sending) starts here. It lives in lib/grants rather than
// lib/mailboxes because lib/grants writes mailbox state (lib/mailboxes/mailbox-state.ts) on a
// token failure; a lib/mailboxes file importing lib/grants would make the two folders a cycle.
import { hostsFor } from "../microsoft/hosts-for";
import type { TCloud, TCloudHosts } from "../microsoft/clouds";
import { resourceForProtocol } from "../microsoft/scope-profiles";
import { getAccessToken, type TRefresher } from "./get-access-token";
import { microsoftRefresher } from "./microsoft-refresher";

export type TMailProtocol = "imap" | "pop" | "graph" | "smtp";
export type TMailboxToken = { hosts: TCloudHosts; resource: string; accessToken: string; expiresAt: Date };

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
  const r = await getAccessToken(
    { workspaceId: ref.workspaceId, tenantId: ref.tenantId, mailboxId: ref.mailboxId, resource },
    opts.refresher ?? microsoftRefresher,
    opts.forceRefresh ? { forceRefresh: true } : {},
  );
  return { hosts, resource, accessToken: r.accessToken, expiresAt: r.expiresAt };
}
