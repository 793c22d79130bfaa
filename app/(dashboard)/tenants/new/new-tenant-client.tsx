"use client";
import { useRouter } from "next/navigation";
import { useQueryClient } from "@tanstack/react-query";
import { overviewKeys, tenantKeys } from "@/lib/client/query-keys";
import { Card, PageHeader } from "@/components/ui/card";
import { toast } from "@/components/ui/toaster";
import { TenantForm, toTenantBody } from "@/components/tenants/tenant-form";
import { tenantApi } from "@/lib/client/api/tenants";

export function NewTenantClient({ sandboxEnabled }: { sandboxEnabled: boolean }) {
  const router = useRouter();
  const qc = useQueryClient();
  return (
    <div className="max-w-2xl">
      <PageHeader title="Add tenant" subtitle="A customer's Microsoft 365 organization." />
      <Card>
        <TenantForm
          submitLabel="Add tenant"
          sandboxEnabled={sandboxEnabled}
          onSubmit={async (v) => {
            const { tenant } = await tenantApi.create(toTenantBody(v));
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
