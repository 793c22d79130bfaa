// A banner on every page while a client secret is within 30 days of expiring (or expired).
import Link from "next/link";
import { requirePageScope } from "@/lib/auth/session";
import { expiringSecrets } from "@/lib/apps/secret-expiry-check";
import { rejectedSecretApps } from "@/lib/apps/rejected-secrets";
import { describe } from "@/lib/diagnostics/describe";

export async function SecretBanner() {
  const scope = await requirePageScope();
  const tenantIds = scope.hasAllTenants ? null : scope.tenantIds;
  const [list, rejected] = await Promise.all([
    expiringSecrets({ workspaceId: scope.workspaceId, tenantIds }),
    rejectedSecretApps({ workspaceId: scope.workspaceId, tenantIds }),
  ]);
  // Microsoft's verdict first: a rejected secret is broken now, whatever date was typed in.
  if (rejected.length > 0) {
    const r = rejected[0];
    return (
      <div role="alert" data-testid="secret-banner" className="border-b border-red-200 bg-red-50 px-6 py-2.5 text-sm text-red-800">
        Microsoft rejected the client secret of &quot;{r.displayName}&quot; at the last check ({describe(r.lastVerifyCode)?.title}).
        {rejected.length > 1 && ` ${rejected.length - 1} more app${rejected.length > 2 ? "s" : ""} too.`}{" "}
        <Link className="font-medium underline" href={r.tenantId ? `/tenants/${r.tenantId}/apps/${r.id}` : `/apps/${r.id}`}>
          Rotate it now
        </Link>
      </div>
    );
  }
  if (list.length === 0) return null;
  const worst = list[0];
  const isExpired = worst.level === "expired";
  return (
    <div
      role="alert"
      data-testid="secret-banner"
      className={`border-b px-6 py-2.5 text-sm ${isExpired || worst.daysLeft <= 7 ? "border-red-200 bg-red-50 text-red-800" : "border-amber-200 bg-amber-50 text-amber-900"}`}
    >
      {isExpired
        ? `The client secret of "${worst.appName}" has expired.`
        : `The client secret of "${worst.appName}" expires in ${worst.daysLeft} day${worst.daysLeft === 1 ? "" : "s"}.`}
      {list.length > 1 && ` ${list.length - 1} more secret${list.length > 2 ? "s" : ""} expire within 30 days.`}{" "}
      <Link
        className="font-medium underline"
        href={worst.tenantId ? `/tenants/${worst.tenantId}/apps/${worst.appId}` : `/apps/${worst.appId}`}
      >
        Rotate it now
      </Link>
    </div>
  );
}
