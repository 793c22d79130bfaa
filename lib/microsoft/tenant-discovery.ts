// Resolves a GUID or a domain to the tenant's GUID through the cloud's openid-configuration
// (the issuer carries the GUID); an unknown tenant comes back as AADSTS90002.
import type { TCloudHosts } from "./clouds";
import { openIdConfigUrl } from "./endpoints";
import { failureFromNetworkError, redact, type TMicrosoftFailure } from "./parse-error";

export async function resolveTenant(p: {
  hosts: TCloudHosts;
  input: string;
  timeoutMs?: number;
}): Promise<{ ok: true; tenantId: string; issuer: string } | { ok: false; failure: TMicrosoftFailure }> {
  let res: Response;
  try {
    res = await fetch(openIdConfigUrl(p.hosts, p.input.trim()), { signal: AbortSignal.timeout(p.timeoutMs ?? 10_000) });
  } catch (err) {
    return { ok: false, failure: failureFromNetworkError(err) };
  }
  const body = (await res.json().catch(() => null)) as {
    issuer?: string;
    error?: string;
    error_description?: string;
    error_codes?: number[];
  } | null;
  if (res.ok && body?.issuer) {
    const m = body.issuer.match(/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i);
    if (m) return { ok: true, tenantId: m[1].toLowerCase(), issuer: body.issuer };
  }
  return {
    ok: false,
    failure: {
      source: "discovery",
      status: res.status,
      error: body?.error,
      aadsts: body?.error_codes ?? [],
      message: redact((body?.error_description ?? `HTTP ${res.status}`).split("\r\n")[0]),
    },
  };
}
