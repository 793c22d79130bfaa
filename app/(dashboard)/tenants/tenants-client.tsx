"use client";
import Link from "next/link";
import type { TTenant } from "@/lib/client/wire-types";
import { day } from "@/lib/client/format";
import { DataTable } from "@/components/data-table";
import { Badge, CLOUD_BADGE } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { useTenants } from "@/lib/client/hooks/tenants";

const needsAttention = (t: TTenant) => !!t.health && t.health.attention + t.health.needsReconsent > 0;

function HealthCell({ t }: { t: TTenant }) {
  const h = t.health;
  if (!h || t.mailboxCount === 0) return <span className="text-xs text-slate-400">none yet</span>;
  return (
    <span className="flex flex-wrap gap-1" data-testid={`tenant-health-${t.displayName}`}>
      {h.connected > 0 && <Badge tone="green">{h.connected} working</Badge>}
      {h.attention > 0 && <Badge tone="amber">{h.attention} attention</Badge>}
      {h.needsReconsent > 0 && <Badge tone="red">{h.needsReconsent} re-consent</Badge>}
      {h.pending > 0 && <Badge>{h.pending} pending</Badge>}
    </span>
  );
}

function SecretCell({ iso }: { iso: string | null }) {
  if (!iso) return <span className="text-xs text-slate-400">—</span>;
  const days = Math.floor((new Date(iso).getTime() - Date.now()) / 86_400_000);
  return (
    <Badge tone={days < 0 ? "red" : days <= 7 ? "red" : days <= 30 ? "amber" : "slate"}>{days < 0 ? "expired" : `${days} days`}</Badge>
  );
}

export function TenantsClient({ canAdd, canImport = false }: { canAdd: boolean; canImport?: boolean }) {
  const q = useTenants();
  const add = (
    <>
      {canImport && (
        <Link
          href="/tenants/import"
          className="rounded-md border border-slate-300 bg-white px-3.5 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50"
        >
          Import from CSV
        </Link>
      )}
      {canAdd && (
        <Link href="/tenants/new" className="rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-indigo-700">
          Add tenant
        </Link>
      )}
    </>
  );
  return (
    <div>
      <PageHeader title="Tenants" subtitle="Your customers' Microsoft 365 organizations." actions={add} />
      {q.isLoading ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : (
        <DataTable
          testId="tenants-table"
          rows={q.data?.tenants ?? []}
          rowKey={(t) => t.id}
          rowHref={(t) => `/tenants/${t.id}`}
          filterText={(t) => `${t.displayName} ${t.directoryId ?? ""} ${t.primaryDomain ?? ""}`}
          filterPlaceholder="Filter by name, ID or domain"
          selectFilters={[
            {
              key: "cloud",
              label: "Cloud",
              options: Object.entries(CLOUD_BADGE).map(([value, b]) => ({ value, label: b.label })),
              match: (t, v) => t.cloud === v,
            },
            {
              key: "consent",
              label: "Org consent",
              options: [
                { value: "yes", label: "Granted" },
                { value: "no", label: "Not granted" },
              ],
              match: (t, v) => (v === "yes") === t.orgConsents.length > 0,
            },
            {
              key: "health",
              label: "Health",
              options: [
                { value: "attention", label: "Needs attention" },
                { value: "ok", label: "All working" },
              ],
              match: (t, v) => (v === "attention") === needsAttention(t),
            },
          ]}
          initialSort={{ key: "name", dir: "asc" }}
          columns={[
            { key: "name", header: "Tenant", cell: (t) => t.displayName, sortValue: (t) => t.displayName.toLowerCase() },
            {
              key: "id",
              header: "Directory ID / domain",
              cell: (t) => <span className="font-mono text-xs text-slate-600">{t.directoryId ?? t.primaryDomain}</span>,
            },
            {
              key: "cloud",
              header: "Cloud",
              cell: (t) => <Badge tone={CLOUD_BADGE[t.cloud].tone}>{CLOUD_BADGE[t.cloud].label}</Badge>,
              sortValue: (t) => t.cloud,
            },
            {
              key: "mailboxes",
              header: "Mailboxes",
              cell: (t) => <HealthCell t={t} />,
              sortValue: (t) => (t.health ? t.health.needsReconsent * 1000 + t.health.attention * 100 + t.health.pending : 0),
            },
            {
              key: "secret",
              header: "Secret expires",
              cell: (t) => <SecretCell iso={t.secretExpiresAt ?? null} />,
              sortValue: (t) => t.secretExpiresAt ?? "9999",
            },
            { key: "apps", header: "Apps", cell: (t) => t.appCount, sortValue: (t) => t.appCount },
            {
              key: "consent",
              header: "Org consent",
              // Per app: "2 of 3 apps" when only some of the tenant's apps have it.
              cell: (t) =>
                t.orgConsents.length === 0 ? (
                  <Badge>Not granted</Badge>
                ) : (
                  <Badge tone="green">
                    {t.orgConsents.length === 1 ? `${t.orgConsents[0].appName}` : `${t.orgConsents.length} apps`} ·{" "}
                    {day(t.orgConsents[0].consentedAt)}
                  </Badge>
                ),
              sortValue: (t) => t.orgConsents[0]?.consentedAt ?? "",
            },
            { key: "created", header: "Added", cell: (t) => day(t.createdAt), sortValue: (t) => t.createdAt },
          ]}
          empty={<EmptyState title="No tenants yet" body="Add your first customer tenant by its directory ID or domain." action={add} />}
        />
      )}
    </div>
  );
}
