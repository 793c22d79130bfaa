"use client";
// "All tenants" or a checked list: who (or what key or webhook) reaches which tenants.
import type { TTenant } from "@/lib/client/wire-types";

export type TTenantScope = { hasAllTenants: boolean; tenantIds: string[] };

export function TenantScopePicker({
  tenants,
  value,
  onChange,
  error,
  allLabel = "All tenants",
  legend = "Limited to",
  canPickAll = true,
}: {
  tenants: TTenant[];
  value: TTenantScope;
  onChange: (v: TTenantScope) => void;
  error?: string;
  allLabel?: string;
  legend?: string;
  canPickAll?: boolean;
}) {
  return (
    <div className="text-sm">
      {canPickAll && (
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={value.hasAllTenants} onChange={(e) => onChange({ ...value, hasAllTenants: e.target.checked })} />{" "}
          {allLabel}
        </label>
      )}
      {!value.hasAllTenants && (
        <fieldset className="mt-2 grid grid-cols-2 gap-1 rounded-md border border-slate-200 p-3">
          <legend className="px-1 text-xs text-slate-500">{legend}</legend>
          {tenants.map((t) => (
            <label key={t.id} className="flex items-center gap-2">
              <input
                type="checkbox"
                checked={value.tenantIds.includes(t.id)}
                onChange={(e) =>
                  onChange({
                    ...value,
                    tenantIds: e.target.checked ? [...value.tenantIds, t.id] : value.tenantIds.filter((x) => x !== t.id),
                  })
                }
              />
              {t.displayName}
            </label>
          ))}
        </fieldset>
      )}
      {error && (
        <p className="mt-1 text-sm text-red-600" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
