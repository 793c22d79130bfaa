"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError } from "@/lib/client/api-client";
import { appKeys, tenantKeys } from "@/lib/client/query-keys";
import { inspectSecretValue, isGuid } from "@/lib/microsoft/secret-shape";
import { detectLegacyEndpoint } from "@/lib/microsoft/endpoints";
import { PROFILE_LABELS, type TScopeProfile } from "@/lib/microsoft/scope-profiles";
import type { TAzureSetupInfo } from "@/lib/apps/azure-setup-info";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import { toast } from "@/components/ui/toaster";
import { AzureSetupPanel } from "@/components/apps/azure-setup-panel";
import { appApi } from "@/lib/client/api/apps";

const inYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);

export function NewAppClient({
  tenantId,
  tenantName,
  info,
  canMultiTenant = true,
}: {
  tenantId: string;
  tenantName: string;
  info: TAzureSetupInfo;
  canMultiTenant?: boolean;
}) {
  const router = useRouter();
  const qc = useQueryClient();
  const [v, setV] = useState({
    displayName: `${tenantName} mail`,
    clientId: "",
    secret: "",
    expiresAt: inYear(),
    kind: "single_tenant",
    scopeProfile: "imap_smtp" as TScopeProfile,
    defaultPrompt: "select_account",
    tokenEndpointOverride: "",
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof v) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setV({ ...v, [k]: e.target.value });
  const secretWarnings = inspectSecretValue(v.secret);
  const legacy = v.tokenEndpointOverride ? detectLegacyEndpoint(v.tokenEndpointOverride) : null;
  return (
    <div>
      <PageHeader title="Register app" subtitle={`The Azure app that ${tenantName}'s mailboxes sign in to.`} />
      <div className="grid gap-6 lg:grid-cols-5">
        <Card className="lg:col-span-3">
          <form
            noValidate
            className="space-y-4"
            onSubmit={async (e) => {
              e.preventDefault();
              const local: Record<string, string> = {};
              if (!isGuid(v.clientId)) local.clientId = "The Application (client) ID is a GUID from the app's Overview page.";
              if (!v.secret.trim()) local.secret = "Paste the client secret value.";
              if (Object.keys(local).length) return setErrors(local);
              setBusy(true);
              setErrors({});
              try {
                const { app } = await appApi.create({
                  tenantId,
                  displayName: v.displayName,
                  clientId: v.clientId,
                  kind: v.kind,
                  scopeProfile: v.scopeProfile,
                  defaultPrompt: v.defaultPrompt,
                  tokenEndpointOverride: v.tokenEndpointOverride || null,
                  secret: { value: v.secret, expiresAt: v.expiresAt },
                });
                await qc.invalidateQueries({ queryKey: appKeys.all });
                await qc.invalidateQueries({ queryKey: tenantKeys.all });
                toast("App registered. Verify it to prove the secret works.");
                router.push(`/tenants/${tenantId}/apps/${app.id}`);
              } catch (err) {
                if (err instanceof ApiError)
                  setErrors(
                    err.fields ? { ...err.fields, ...(err.fields.secret ? { secret: err.fields.secret } : {}) } : { _: err.message },
                  );
              } finally {
                setBusy(false);
              }
            }}
          >
            <TextField label="Name" value={v.displayName} onChange={set("displayName")} error={errors.displayName} />
            <TextField
              label="Application (client) ID"
              value={v.clientId}
              onChange={set("clientId")}
              error={errors.clientId}
              placeholder="00000000-0000-0000-0000-000000000000"
              className="font-mono"
            />
            <TextField
              label="Client secret value"
              type="password"
              autoComplete="off"
              value={v.secret}
              onChange={set("secret")}
              error={errors.secret}
              hint="Stored encrypted. Only its last 4 characters are shown afterwards."
            />
            {secretWarnings.map((w) => (
              <p
                key={w.code}
                className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900"
                role="alert"
                data-testid={`secret-warning-${w.code}`}
              >
                {w.message}
              </p>
            ))}
            <TextField
              label="Secret expires"
              type="date"
              value={v.expiresAt}
              onChange={set("expiresAt")}
              error={errors.expiresAt}
              hint="Certificates & secrets → Expires. Consentry warns 30, 14, 7 and 1 days ahead."
            />
            <div className="grid gap-4 md:grid-cols-2">
              <SelectField
                label="App kind"
                value={v.kind}
                onChange={set("kind")}
                options={[
                  { value: "single_tenant", label: "Single tenant (in the customer's directory)" },
                  ...(canMultiTenant ? [{ value: "multi_tenant", label: "MSP multi-tenant app" }] : []),
                ]}
                hint={
                  canMultiTenant
                    ? undefined
                    : "An MSP multi-tenant app serves every tenant, so only an owner or admin who sees all tenants can register one."
                }
              />
              <SelectField
                label="Scope profile"
                value={v.scopeProfile}
                onChange={set("scopeProfile")}
                options={Object.entries(PROFILE_LABELS).map(([value, label]) => ({ value, label }))}
              />
            </div>
            <SelectField
              label="Default prompt"
              value={v.defaultPrompt}
              onChange={set("defaultPrompt")}
              options={[
                { value: "select_account", label: "select_account (recommended)" },
                { value: "consent", label: "consent (always ask)" },
                { value: "login", label: "login (always re-enter password)" },
                { value: "none", label: "none (fail if interaction needed)" },
              ]}
            />
            <TextField
              label="Token endpoint override (optional)"
              value={v.tokenEndpointOverride}
              onChange={set("tokenEndpointOverride")}
              error={errors.tokenEndpointOverride}
              hint="Leave empty: Consentry derives the v2 endpoints from the tenant's cloud."
            />
            {legacy && (
              <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" role="alert" data-testid="legacy-endpoint">
                {legacy.message}{" "}
                {legacy.replacement && (
                  <>
                    Use <code>{legacy.replacement}</code>.
                  </>
                )}
              </p>
            )}
            {errors._ && <p className="text-sm text-red-600">{errors._}</p>}
            <Button type="submit" isBusy={busy}>
              Register app
            </Button>
          </form>
        </Card>
        <div className="lg:col-span-2">
          <AzureSetupPanel info={info} profile={v.scopeProfile} />
        </div>
      </div>
    </div>
  );
}
