import "server-only";
// Proves a client secret against the tenant's token endpoint with client_credentials and
// `/.default`: Microsoft checks the secret before anything else, so 7000215/7000222 come back
// first, and a success proves the secret without needing any mailbox.
import { hostsFor } from "../microsoft/hosts-for";
import { tokenEndpoint } from "../microsoft/endpoints";
import { clientCredentials } from "../microsoft/token-client";
import { classifyTokenFailure } from "../diagnostics/classify";

export type TVerifyMethod = { method: "client_credentials" } | { method: "refresh"; mailbox: string };
export type TVerifyResult = (
  { ok: true } | { ok: false; code: string; title: string; cause: string; fixSteps: string[]; retryable: boolean }
) &
  Partial<TVerifyMethod>;

export async function verifySecret(p: {
  cloud: "global" | "usgov" | "china" | "sandbox";
  tenantSegment: string;
  clientId: string;
  clientSecret: string;
  tokenEndpointOverride?: string | null;
}): Promise<TVerifyResult> {
  const hosts = hostsFor(p.cloud);
  const res = await clientCredentials(
    {
      tokenUrl: p.tokenEndpointOverride ?? tokenEndpoint(hosts, p.tenantSegment),
      cloud: p.cloud,
      clientId: p.clientId,
      clientSecret: p.clientSecret,
    },
    { scope: `${hosts.graphResource}/.default` },
  );
  if (res.ok) return { ok: true };
  const { diagnosis: d } = classifyTokenFailure(res);
  return { ok: false, code: d.code, title: d.title, cause: d.cause, fixSteps: d.fixSteps, retryable: d.retryable };
}
