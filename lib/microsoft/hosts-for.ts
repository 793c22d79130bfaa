import "server-only";
// The host table for a tenant's cloud, with the Sandbox cloud's hosts from configuration.
import { env } from "../env";
import { cloudHosts, type TCloud, type TCloudHosts } from "./clouds";

export function hostsFor(cloud: TCloud): TCloudHosts {
  const e = env();
  return cloudHosts(cloud, {
    loginUrl: e.SANDBOX_LOGIN_URL,
    graphUrl: e.SANDBOX_GRAPH_URL,
    imapHost: e.SANDBOX_IMAP_HOST,
    popHost: e.SANDBOX_POP_HOST,
    smtpHost: e.SANDBOX_SMTP_HOST,
  });
}
