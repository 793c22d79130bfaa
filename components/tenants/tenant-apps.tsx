"use client";
// App registrations usable in this tenant: its own, plus the MSP's multi-tenant apps.
import Link from "next/link";
import type { TApp } from "@/lib/client/wire-types";
import { secretHealth } from "@/lib/apps/secret-health";
import { describe } from "@/lib/diagnostics/describe";
import { PROFILE_LABELS } from "@/lib/microsoft/scope-profiles";
import { day } from "@/lib/client/format";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { DataTable } from "@/components/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { useApps } from "@/lib/client/hooks/apps";

export function SecretBadge({ app }: { app: TApp }) {
  const h = secretHealth(app);
  return (
    <span title={h.reason ?? undefined} data-testid="secret-badge" data-level={h.level}>
      <Badge tone={h.tone}>{h.label}</Badge>
    </span>
  );
}

export function TenantApps({ tenantId, canManage }: { tenantId: string; canManage: boolean }) {
  const q = useApps(tenantId);
  const add = canManage ? (
    <Link
      href={`/tenants/${tenantId}/apps/new`}
      className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700"
    >
      Register app
    </Link>
  ) : null;
  return (
    <Card title="App registrations" actions={add}>
      <DataTable
        rows={q.data?.apps ?? []}
        rowKey={(a) => a.id}
        rowHref={(a) => `/tenants/${tenantId}/apps/${a.id}`}
        columns={[
          { key: "name", header: "App", cell: (a) => a.displayName, sortValue: (a) => a.displayName },
          { key: "client", header: "Client ID", cell: (a) => <span className="font-mono text-xs">{a.clientId}</span> },
          {
            key: "kind",
            header: "Kind",
            cell: (a) => (a.kind === "multi_tenant" ? <Badge tone="indigo">MSP multi-tenant</Badge> : <Badge>Single tenant</Badge>),
          },
          { key: "profile", header: "Profile", cell: (a) => PROFILE_LABELS[a.scopeProfile] },
          { key: "secret", header: "Secret", cell: (a) => <SecretBadge app={a} />, sortValue: (a) => a.activeSecret?.expiresAt ?? "" },
          {
            key: "verified",
            header: "Verified",
            cell: (a) =>
              a.lastVerifyCode === "ok" ? (
                <Badge tone="green">{day(a.lastVerifiedAt)}</Badge>
              ) : a.lastVerifyCode ? (
                <Badge tone="red">{describe(a.lastVerifyCode)?.title ?? a.lastVerifyCode}</Badge>
              ) : (
                "—"
              ),
          },
        ]}
        empty={
          <EmptyState
            title="No app registration yet"
            body="Register the customer's Azure app (client ID and secret) so mailboxes can be connected."
            action={add}
          />
        }
      />
    </Card>
  );
}
