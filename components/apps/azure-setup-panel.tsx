"use client";
// The values to paste into the Azure portal, each with a copy button.
import type { TScopeProfile } from "@/lib/microsoft/scope-profiles";
import { PROFILE_LABELS } from "@/lib/microsoft/scope-profiles";
import { Card } from "@/components/ui/card";
import { CopyButton, CopyField } from "@/components/ui/copy-button";
import type { TAzureSetupInfo } from "@/lib/apps/azure-setup-info";

export function AzureSetupPanel({ info, profile }: { info: TAzureSetupInfo; profile: TScopeProfile }) {
  const perms = info.permissions[profile];
  return (
    <Card title="Set up in Azure">
      <div className="space-y-4 text-sm">
        <div data-testid="redirect-uri">
          <CopyField label="Redirect URI (Authentication → Web)" value={info.redirectUri} />
        </div>
        <div>
          <div className="text-xs font-medium uppercase tracking-wide text-slate-500">API permissions for {PROFILE_LABELS[profile]}</div>
          <ul className="mt-1 divide-y divide-slate-100 rounded-md border border-slate-200" data-testid="permissions">
            {perms.map((p) => (
              <li key={`${p.api}-${p.name}-${p.type}`} className="flex items-center justify-between gap-2 px-3 py-1.5">
                <div className="min-w-0">
                  <div className="font-mono text-xs text-slate-900">{p.name}</div>
                  <div className="text-xs text-slate-500">
                    {p.api} · {p.type}
                    {p.adminConsentRequired ? " · admin consent" : ""}
                  </div>
                  <div className="text-xs text-slate-400" data-testid="permission-blade">
                    API permissions → Add a permission → {p.blade}
                  </div>
                </div>
                <CopyButton value={p.name} />
              </li>
            ))}
          </ul>
        </div>
        <CopyField label="Authorization endpoint (v2)" value={info.authorizeEndpoint} />
        <CopyField label="Token endpoint (v2)" value={info.tokenEndpoint} />
      </div>
    </Card>
  );
}
