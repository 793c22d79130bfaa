"use client";
// Add/edit a tenant. The same zod schema as the server checks the input first; server field
// errors (e.g. a duplicate directory ID) land next to the same fields.
import { useState } from "react";
import { ZTenantCreate } from "@/lib/tenants/schemas";
import { zodFieldErrors } from "@/lib/core/zod-fields";
import { ApiError } from "@/lib/client/api-client";
import { Button } from "@/components/ui/button";
import { SelectField, TextAreaField, TextField } from "@/components/ui/field";
import type { TTenant } from "@/lib/client/wire-types";

export type TTenantFormValues = { displayName: string; directoryId: string; primaryDomain: string; cloud: TTenant["cloud"]; notes: string };

const CLOUDS = [
  { value: "global", label: "Global" },
  { value: "usgov", label: "US Government (GCC High)" },
  { value: "china", label: "China (21Vianet)" },
  { value: "sandbox", label: "Sandbox (local Microsoft 365 emulator)" },
];

/** sandboxEnabled: the server's SANDBOX_ENABLED; without it the Sandbox cloud is offered only to a tenant already on it. */
export function TenantForm({
  initial,
  submitLabel,
  onSubmit,
  disabled,
  sandboxEnabled,
}: {
  initial?: Partial<TTenantFormValues>;
  submitLabel: string;
  onSubmit: (v: TTenantFormValues) => Promise<unknown>;
  disabled?: boolean;
  sandboxEnabled: boolean;
}) {
  const [v, setV] = useState<TTenantFormValues>({
    displayName: "",
    directoryId: "",
    primaryDomain: "",
    cloud: "global",
    notes: "",
    ...initial,
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set = (k: keyof TTenantFormValues) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
    setV({ ...v, [k]: e.target.value });
  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={async (e) => {
        e.preventDefault();
        const parsed = ZTenantCreate.safeParse(v);
        if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
        setErrors({});
        setBusy(true);
        try {
          await onSubmit(v);
        } catch (err) {
          if (err instanceof ApiError && err.fields) setErrors(err.fields);
          else if (err instanceof ApiError) setErrors({ _: err.message });
        } finally {
          setBusy(false);
        }
      }}
    >
      <TextField
        label="Display name"
        value={v.displayName}
        onChange={set("displayName")}
        error={errors.displayName}
        disabled={disabled}
        placeholder="Contoso Ltd"
      />
      <div className="grid gap-4 md:grid-cols-2">
        <TextField
          label="Directory (tenant) ID"
          value={v.directoryId}
          onChange={set("directoryId")}
          error={errors.directoryId}
          disabled={disabled}
          placeholder="72f988bf-86f1-41af-91ab-2d7cd011db47"
          hint="Entra admin center → Overview → Tenant ID."
        />
        <TextField
          label="Primary domain"
          value={v.primaryDomain}
          onChange={set("primaryDomain")}
          error={errors.primaryDomain}
          disabled={disabled}
          placeholder="contoso.onmicrosoft.com"
          hint="Either this or the directory ID is enough."
        />
      </div>
      <SelectField
        label="Cloud"
        value={v.cloud}
        onChange={set("cloud")}
        options={CLOUDS.filter((c) => c.value !== "sandbox" || sandboxEnabled || initial?.cloud === "sandbox")}
        error={errors.cloud}
        disabled={disabled}
        hint="The cloud picks every Microsoft endpoint for this tenant."
      />
      <TextAreaField label="Notes" value={v.notes} onChange={set("notes")} error={errors.notes} disabled={disabled} />
      {errors._ && (
        <p className="text-sm text-red-600" role="alert">
          {errors._}
        </p>
      )}
      {!disabled && (
        <Button type="submit" isBusy={busy}>
          {submitLabel}
        </Button>
      )}
    </form>
  );
}

/** Empty strings mean "not set". */
export function toTenantBody(v: TTenantFormValues) {
  return {
    displayName: v.displayName,
    directoryId: v.directoryId || null,
    primaryDomain: v.primaryDomain || null,
    cloud: v.cloud,
    notes: v.notes,
  };
}
