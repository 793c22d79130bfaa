"use client";
import { useRouter } from "next/navigation";
import { useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api-client";
import { overviewKeys, tenantKeys } from "@/lib/client/query-keys";
import type { TTenant } from "@/lib/client/wire-types";
import { Card, PageHeader } from "@/components/ui/card";
import { toast } from "@/components/ui/toaster";
import { TenantForm, toTenantBody } from "@/components/tenants/tenant-form";

export function NewTenantClient() {
  const router = useRouter();
  const qc = useQueryClient();
  return (
    <div className="max-w-2xl">
      <PageHeader title="Add tenant" subtitle="A customer's Microsoft 365 organization." />
      <Card>
        <TenantForm
          submitLabel="Add tenant"
          onSubmit={async (v) => {
            const { tenant } = await apiFetch<{ tenant: TTenant & { warning?: string | null } }>("/api/tenants", { method: "POST", body: toTenantBody(v) });
            if (tenant.warning) toast(tenant.warning, "error");
            await qc.invalidateQueries({ queryKey: tenantKeys.all });
            await qc.invalidateQueries({ queryKey: overviewKeys.all });
            toast(`Added ${tenant.displayName}.`);
            router.push(`/tenants/${tenant.id}`);
          }}
        />
      </Card>
    </div>
  );
}
