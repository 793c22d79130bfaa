// One organization consent record: when, who (or how Consentry verified it), which permissions.
// Shown on the tenant page (per app) and the app page (per tenant).
import { dateTime } from "@/lib/client/format";

type TConsentView = {
  consentedAt: string;
  adminUpn: string | null;
  adminOid: string | null;
  verifiedBy: string;
  scopes: string[];
  directoryId: string | null;
  recordedBy: string;
};

// Why a "Consent on behalf of your organization" tick during an ordinary Connect isn't recorded:
// the token Microsoft returns looks the same either way (its scp lists the permissions, not who
// consented to them), and the tenant's grants (oauth2PermissionGrants, consentType AllPrincipals)
// can only be read with Directory.Read.All, which Consentry doesn't ask for:
// https://learn.microsoft.com/en-us/graph/api/serviceprincipal-list-oauth2permissiongrants
export const CONNECT_CHECKBOX_NOTE =
  "An admin who ticked \"Consent on behalf of your organization\" while connecting a mailbox isn't shown here: Microsoft's answer to a Connect looks the same either way, and reading the tenant's permission grants would need Directory.Read.All, which Consentry doesn't ask for. Use \"Request organization consent\" to record it.";

export function OrgConsentDetails({ c, expectedDirectoryId }: { c: TConsentView; expectedDirectoryId: string | null }) {
  const who = c.adminUpn
    ? `${c.adminUpn}${c.adminOid ? ` (object id ${c.adminOid})` : ""}`
    : c.verifiedBy === "client_credentials"
      ? "an administrator of the tenant (Microsoft doesn't name them; verified by a client-credentials check)"
      : "recorded before consent was kept per app";
  return (
    <dl className="mt-1 grid grid-cols-[auto,1fr] gap-x-3 gap-y-1 text-xs text-slate-600">
      <dt>When</dt>
      <dd>{dateTime(c.consentedAt)}</dd>
      <dt>Who</dt>
      <dd>{who}</dd>
      <dt>Started by</dt>
      <dd>{c.recordedBy}</dd>
      <dt>Permissions</dt>
      <dd>{c.scopes.length ? c.scopes.map((s) => s.replace(/^https:\/\/[^/]+\//, "")).join(", ") : "the app's configured permissions"}</dd>
      {c.directoryId && expectedDirectoryId && c.directoryId !== expectedDirectoryId && (
        <>
          <dt>Directory</dt>
          <dd className="text-amber-700">
            Granted in directory {c.directoryId}, not {expectedDirectoryId}.
          </dd>
        </>
      )}
    </dl>
  );
}
