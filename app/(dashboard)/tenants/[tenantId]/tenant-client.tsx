"use client";
import Link from "next/link";
import { ConsentLinksCard } from "@/components/consent/consent-links-card";
import { ReconsentCard } from "@/components/consent/reconsent-card";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { overviewKeys, tenantKeys } from "@/lib/client/query-keys";
import { dateTime } from "@/lib/client/format";
import { Badge, CLOUD_BADGE } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toaster";
import { TenantForm, toTenantBody } from "@/components/tenants/tenant-form";
import { TenantApps } from "@/components/tenants/tenant-apps";
import { TenantMailboxes } from "@/components/tenants/tenant-mailboxes";
import { OrgConsentCard } from "@/components/tenants/org-consent-card";
import { StatusLinksCard } from "@/components/tenants/status-links-card";
import { useTenant } from "@/lib/client/hooks/tenants";
import { tenantApi } from "@/lib/client/api/tenants";

export type TCan = { manageTenant: boolean; manageApps: boolean; connect: boolean };

export function TenantClient({
  tenantId,
  initialName,
  can,
  sandboxEnabled,
}: {
  tenantId: string;
  initialName: string;
  can: TCan;
  sandboxEnabled: boolean;
}) {
  const router = useRouter();
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const q = useTenant(tenantId);
  const del = useMutation({
    mutationFn: () => tenantApi.remove(tenantId),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: tenantKeys.all });
      await qc.invalidateQueries({ queryKey: overviewKeys.all });
      toast(`Deleted ${initialName}.`);
      router.push("/tenants");
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const t = q.data?.tenant;
  return (
    <div className="space-y-6">
      <PageHeader
        title={t?.displayName ?? initialName}
        subtitle={t ? <span className="font-mono text-xs">{t.directoryId ?? t.primaryDomain}</span> : null}
        actions={
          <>
            {t && <Badge tone={CLOUD_BADGE[t.cloud].tone}>{CLOUD_BADGE[t.cloud].label}</Badge>}
            <Link href={`/events?tenantId=${tenantId}`} className="text-sm text-slate-600 hover:underline">
              Event log
            </Link>
            <Link href="/tenants" className="text-sm text-slate-600 hover:underline">
              All tenants
            </Link>
          </>
        }
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <TenantMailboxes tenantId={tenantId} canConnect={can.connect} />
          <TenantApps tenantId={tenantId} canManage={can.manageApps} />
          <ReconsentCard tenantId={tenantId} canAct={can.connect} />
          <ConsentLinksCard tenantId={tenantId} canAct={can.connect} />
        </div>
        <div className="space-y-6">
          {t && <OrgConsentCard tenant={t} canRequest={can.connect} />}
          <StatusLinksCard tenantId={tenantId} canCreate={can.connect} />
          <Card title="Details">
            {t ? (
              <TenantForm
                key={t.updatedAt}
                sandboxEnabled={sandboxEnabled}
                disabled={!can.manageTenant}
                initial={{
                  displayName: t.displayName,
                  directoryId: t.directoryId ?? "",
                  primaryDomain: t.primaryDomain ?? "",
                  cloud: t.cloud,
                  notes: t.notes,
                }}
                submitLabel="Save changes"
                onSubmit={async (v) => {
                  await tenantApi.update(tenantId, toTenantBody(v));
                  await qc.invalidateQueries({ queryKey: tenantKeys.all });
                  toast("Changes saved.");
                }}
              />
            ) : (
              <p className="text-sm text-slate-500">Loading…</p>
            )}
            {t && (
              <p className="mt-4 text-xs text-slate-400">
                Added {dateTime(t.createdAt)} · updated {dateTime(t.updatedAt)}
              </p>
            )}
          </Card>
          {can.manageTenant && t && (
            <Card title="Danger zone">
              <p className="mb-3 text-sm text-slate-600">
                Deleting the tenant removes its apps, mailboxes, grants and stored mail from Consentry. Nothing changes in Microsoft 365.
              </p>
              <Button variant="danger" onClick={() => setConfirming(true)}>
                Delete tenant
              </Button>
            </Card>
          )}
        </div>
      </div>
      <ConfirmDialog
        open={confirming}
        title={`Delete ${t?.displayName ?? initialName}?`}
        body="Its mailboxes stop syncing and their stored mail and tokens are deleted."
        confirmText={t?.displayName ?? initialName}
        isBusy={del.isPending}
        onConfirm={() => del.mutate()}
        onClose={() => setConfirming(false)}
      />
    </div>
  );
}
