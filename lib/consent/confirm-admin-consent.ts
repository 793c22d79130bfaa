import "server-only";
// Organization consent is recorded only when Microsoft confirms it server-side: the callback's
// `admin_consent=True&tenant=…` is just a query string anyone can type. The app asks the returned
// directory for a client_credentials token (`/.default`); Microsoft issues one only when the app
// has a service principal there, which admin consent creates, and the token's `tid` says which
// directory answered. The directory we expect comes from our own records, never from the callback.
import { hostsFor } from "../microsoft/hosts-for";
import { diagnosisFromCatalog, classifyTokenFailure } from "../diagnostics/classify";
import { tokenEndpoint } from "../microsoft/endpoints";
import { resolveTenant } from "../microsoft/tenant-discovery";
import { clientCredentials } from "../microsoft/token-client";
import type { TMsApp, TConsentDiagnosis } from "./ms-adapter";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Microsoft creates the service principal at consent, but a token endpoint in another region
// may not know it for a few seconds (AADSTS700016 right after consent).
const RETRY_DELAYS_MS = [1_500, 3_000];

export type TConsentConfirmation = { ok: true; tenantId: string } | { ok: false; diagnosis: TConsentDiagnosis };

function fromCatalog(
  code: "admin_consent_wrong_tenant" | "admin_consent_unconfirmed",
  detail: Record<string, unknown>,
): TConsentConfirmation {
  const d = diagnosisFromCatalog(code, "organization consent callback");
  return { ok: false, diagnosis: { code: d.code, title: d.title, cause: d.cause, fixSteps: d.fixSteps, retryable: d.retryable, detail } };
}

function tidOf(accessToken: string): string | null {
  // Straight from the token endpoint over TLS, so reading the claim is enough (Graph tokens aren't ours to verify).
  try {
    const payload = JSON.parse(Buffer.from(accessToken.split(".")[1] ?? "", "base64url").toString("utf8")) as { tid?: unknown };
    return typeof payload.tid === "string" ? payload.tid.toLowerCase() : null;
  } catch {
    return null;
  }
}

export async function confirmAdminConsent(p: {
  app: TMsApp;
  returnedTenant: string | undefined;
  tenant: { directoryId: string | null; primaryDomain: string | null };
}): Promise<TConsentConfirmation> {
  const returned = (p.returnedTenant ?? "").trim().toLowerCase();
  if (!GUID.test(returned))
    return fromCatalog("admin_consent_unconfirmed", { returnedTenantId: returned.slice(0, 100) || null, reason: "not a directory ID" });
  const hosts = hostsFor(p.app.cloud);
  // The directory on file; a tenant added by domain whose ID couldn't be read then is resolved now.
  let expected = p.tenant.directoryId?.toLowerCase() ?? null;
  if (!expected && p.tenant.primaryDomain) {
    const r = await resolveTenant({ hosts, input: p.tenant.primaryDomain });
    expected = r.ok ? r.tenantId : null;
  }
  if (!expected)
    return fromCatalog("admin_consent_unconfirmed", { returnedTenantId: returned, reason: "the tenant's directory ID is unknown" });
  if (returned !== expected) return fromCatalog("admin_consent_wrong_tenant", { returnedTenantId: returned, expectedTenantId: expected });

  for (let attempt = 0; ; attempt++) {
    const res = await clientCredentials(
      { tokenUrl: tokenEndpoint(hosts, expected), clientId: p.app.clientId, clientSecret: p.app.clientSecret },
      { scope: `${hosts.graphResource}/.default` },
    );
    if (res.ok) {
      const tid = tidOf(res.accessToken);
      if (tid !== expected)
        return fromCatalog("admin_consent_wrong_tenant", { returnedTenantId: returned, expectedTenantId: expected, tokenTenantId: tid });
      return { ok: true, tenantId: tid };
    }
    if (res.aadsts.includes(700016) && attempt < RETRY_DELAYS_MS.length) {
      await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt]));
      continue;
    }
    const d = classifyTokenFailure(res).diagnosis;
    return {
      ok: false,
      diagnosis: {
        code: d.code,
        title: d.title,
        cause: d.cause,
        fixSteps: d.fixSteps,
        retryable: d.retryable,
        aadsts: d.aadsts,
        detail: { returnedTenantId: returned, confirmation: "client_credentials" },
      },
    };
  }
}
