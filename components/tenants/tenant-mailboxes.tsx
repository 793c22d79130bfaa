"use client";
// The tenant's mailboxes with their state and who they're authorized as.
import Link from "next/link";
import { ago } from "@/lib/client/format";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { DataTable } from "@/components/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { useMailboxes } from "@/lib/client/hooks/mailboxes";

export function TenantMailboxes({ tenantId, canConnect }: { tenantId: string; canConnect: boolean }) {
  const q = useMailboxes(tenantId, { refetchInterval: 15_000 });
  const add = canConnect ? (
    <Link
      href={`/tenants/${tenantId}/mailboxes/new`}
      className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700"
    >
      Add mailbox
    </Link>
  ) : null;
  return (
    <Card title="Mailboxes" actions={add}>
      <DataTable
        rows={q.data?.mailboxes ?? []}
        rowKey={(m) => m.id}
        rowHref={(m) => `/tenants/${tenantId}/mailboxes/${m.id}`}
        filterText={(m) => `${m.address} ${m.delegateUpn ?? ""} ${m.grant?.upn ?? ""}`}
        columns={[
          { key: "address", header: "Mailbox", cell: (m) => m.address, sortValue: (m) => m.address },
          { key: "kind", header: "Kind", cell: (m) => (m.kind === "shared" ? <Badge tone="indigo">Shared</Badge> : <Badge>User</Badge>) },
          { key: "state", header: "State", cell: (m) => <StatusBadge state={m.state} />, sortValue: (m) => m.state },
          { key: "as", header: "Authorized as", cell: (m) => m.grant?.upn ?? "—" },
          { key: "proto", header: "In / out", cell: (m) => `${m.inbound} / ${m.outbound}` },
          {
            key: "refresh",
            header: "Token refreshed",
            cell: (m) => ago(m.grant?.lastRefreshAt),
            sortValue: (m) => m.grant?.lastRefreshAt ?? "",
          },
        ]}
        empty={
          <EmptyState
            title="No mailboxes yet"
            body="Add the helpdesk or shared mailbox this customer wants connected, then press Connect."
            action={add}
          />
        }
      />
    </Card>
  );
}
