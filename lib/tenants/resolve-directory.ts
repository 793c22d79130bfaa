import "server-only";
// Fills in a tenant's directory ID from its domain through the cloud's openid-configuration.
// A definite "no such tenant" (AADSTS90002) is refused at the field; an unreachable cloud only
// leaves the ID blank (it resolves at first connect), so a network blip never blocks onboarding.
import { hostsFor } from "../microsoft/hosts-for";
import { resolveTenant } from "../microsoft/tenant-discovery";
import { badRequest } from "../core/errors";
import type { TCloud } from "../microsoft/clouds";

export async function resolveDirectoryId(cloud: TCloud, domain: string): Promise<{ directoryId: string | null; warning: string | null }> {
  const r = await resolveTenant({ hosts: hostsFor(cloud), input: domain, timeoutMs: 5_000 });
  if (r.ok) return { directoryId: r.tenantId, warning: null };
  if (r.failure.aadsts?.includes(90002)) {
    throw badRequest(`Microsoft doesn't know this tenant (AADSTS90002: Tenant '${domain}' not found).`, {
      primaryDomain: `AADSTS90002: Tenant '${domain}' not found in the ${cloud === "global" ? "Global" : cloud} cloud. Check the domain and the cloud.`,
    });
  }
  return {
    directoryId: null,
    warning: `Couldn't reach Microsoft to look up ${domain}; the directory ID will be resolved when the first mailbox connects.`,
  };
}
