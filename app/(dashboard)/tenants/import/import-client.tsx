"use client";
// Bulk onboarding: paste or upload a CSV, check it (dry run: what will be created, and every row's
// problem with its line and column), create it, then make consent links for the new mailboxes.
import Link from "next/link";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { mailboxKeys, tenantKeys, overviewKeys } from "@/lib/client/query-keys";
import { onboardingApi, type TImportPlan } from "@/lib/client/api/day2";
import { DataTable } from "@/components/data-table";
import { BulkConsentLinks } from "@/components/onboarding/bulk-consent-links";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { toast } from "@/components/ui/toaster";

const MAX_BYTES = 512 * 1024;

export function ImportClient({ columns, canAddTenants }: { columns: string[]; canAddTenants: boolean }) {
  const qc = useQueryClient();
  const [csv, setCsv] = useState("");
  const [plan, setPlan] = useState<TImportPlan | null>(null);
  const [created, setCreated] = useState<{ tenantIds: string[]; counts: Record<string, number>; warnings: string[] } | null>(null);
  const header = columns.join(",");
  const check = useMutation({
    mutationFn: () => onboardingApi.dryRun(csv),
    onSuccess: (r) => {
      setPlan(r.plan);
      setCreated(null);
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const create = useMutation({
    mutationFn: () => onboardingApi.create(csv),
    onSuccess: async (r) => {
      setPlan(r.plan);
      if (!r.created) return toast("Nothing was created: fix the problems below first.", "error");
      setCreated({ tenantIds: r.tenantIds, counts: r.counts ?? {}, warnings: r.warnings ?? [] });
      toast("Imported.");
      await Promise.all([tenantKeys.all, mailboxKeys.all, overviewKeys.all].map((k) => qc.invalidateQueries({ queryKey: k })));
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const toCreate = plan
    ? {
        tenants: plan.tenants.filter((t) => t.action === "create").length,
        apps: plan.apps.filter((a) => a.action === "create").length,
        mailboxes: plan.mailboxes.filter((m) => m.action === "create").length,
      }
    : null;
  return (
    <div className="space-y-6">
      <PageHeader
        title="Import from CSV"
        subtitle="Tenants, app registrations and mailboxes (with delegates), one row per mailbox."
        actions={
          <Link href="/tenants" className="text-sm text-slate-600 hover:underline">
            All tenants
          </Link>
        }
      />
      <Card title="1. The file">
        <div className="space-y-3 text-sm text-slate-700">
          <p>
            The first line names the columns (any order; only <code>tenant</code> is required):
          </p>
          <div className="flex items-center gap-2">
            <code className="break-all rounded bg-slate-100 px-2 py-1 text-xs">{header}</code>
            <CopyButton value={header} label="Copy header" />
          </div>
          <ul className="list-disc space-y-1 pl-5 text-xs text-slate-600">
            <li>Tenant and app columns repeat on every row of that tenant; a row without a mailbox adds only its tenant and app.</li>
            <li>
              A new app needs <code>client_secret</code> and <code>secret_expires</code> (YYYY-MM-DD); an app already registered (or the MSP
              multi-tenant app) is found by <code>client_id</code>. <code>profile</code>: imap_smtp, pop_smtp, graph.
            </li>
            <li>
              <code>kind</code> user or shared (a shared mailbox needs its <code>delegate</code>); <code>inbound</code> imap, pop, graph,
              none; <code>outbound</code> smtp, graph, none.
            </li>
            {!canAddTenants && (
              <li>You can import only into your own tenants; adding tenants needs an owner or admin who sees all tenants.</li>
            )}
            <li>At most 2,000 rows and 512 KB per file. Nothing is created until the check passes.</li>
          </ul>
          <input
            type="file"
            accept=".csv,text/csv"
            aria-label="CSV file"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (!f) return;
              if (f.size > MAX_BYTES) return toast("That file is larger than 512 KB: split it.", "error");
              setCsv(await f.text());
              setPlan(null);
            }}
          />
          <textarea
            aria-label="CSV"
            value={csv}
            onChange={(e) => {
              setCsv(e.target.value);
              setPlan(null);
            }}
            rows={8}
            placeholder={`${header}\nContoso,contoso.com,,global,Contoso mail,<client id>,<secret>,2027-06-30,imap_smtp,helpdesk@contoso.com,shared,it.admin@contoso.com,imap,smtp`}
            className="block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-xs"
          />
          <Button isBusy={check.isPending} disabled={!csv.trim()} onClick={() => check.mutate()}>
            Check (dry run)
          </Button>
        </div>
      </Card>
      {plan && toCreate && (
        <Card title="2. What will happen">
          <div className="space-y-4 text-sm" data-testid="import-plan">
            <p data-testid="import-summary">
              {plan.rows} row{plan.rows === 1 ? "" : "s"}: {toCreate.tenants} new tenant{toCreate.tenants === 1 ? "" : "s"}, {toCreate.apps}{" "}
              new app
              {toCreate.apps === 1 ? "" : "s"}, {toCreate.mailboxes} new mailbox{toCreate.mailboxes === 1 ? "" : "es"}
              {plan.problems.length ? `; ${plan.problems.length} problem${plan.problems.length === 1 ? "" : "s"} to fix first.` : "."}
            </p>
            {plan.problems.length > 0 && (
              <div className="rounded-md bg-red-50 p-3" data-testid="import-problems">
                <table className="w-full text-left text-sm text-red-900">
                  <thead>
                    <tr>
                      <th className="pr-4">Line</th>
                      <th className="pr-4">Column</th>
                      <th>Problem</th>
                    </tr>
                  </thead>
                  <tbody>
                    {plan.problems.map((p, i) => (
                      <tr key={i} data-testid="import-problem">
                        <td className="pr-4 align-top">{p.line}</td>
                        <td className="pr-4 align-top">{p.column ?? "—"}</td>
                        <td>{p.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <DataTable
              testId="import-mailboxes"
              rows={plan.mailboxes}
              rowKey={(m) => `${m.tenant}|${m.address}`}
              filterText={(m) => `${m.tenant} ${m.address} ${m.delegateUpn ?? ""}`}
              filterPlaceholder="Filter by tenant or mailbox"
              empty="No mailbox in the file."
              columns={[
                { key: "line", header: "Line", cell: (m) => m.line, sortValue: (m) => m.line },
                { key: "tenant", header: "Tenant", cell: (m) => m.tenant, sortValue: (m) => m.tenant },
                { key: "address", header: "Mailbox", cell: (m) => m.address, sortValue: (m) => m.address },
                { key: "kind", header: "Kind", cell: (m) => (m.kind === "shared" ? `shared · ${m.delegateUpn}` : "user") },
                { key: "proto", header: "In / out", cell: (m) => `${m.inbound} / ${m.outbound}` },
                {
                  key: "action",
                  header: "",
                  cell: (m) => <Badge tone={m.action === "create" ? "green" : "slate"}>{m.action === "create" ? "new" : "exists"}</Badge>,
                  sortValue: (m) => m.action,
                },
              ]}
            />
            <p className="text-xs text-slate-500">
              Tenants: {plan.tenants.map((t) => `${t.name} (${t.action === "create" ? "new" : "exists"})`).join(", ") || "none"}. Apps:{" "}
              {plan.apps.map((a) => `${a.name} (${a.action === "create" ? "new" : "exists"})`).join(", ") || "none"}.
            </p>
            {!created && (
              <Button isBusy={create.isPending} disabled={plan.problems.length > 0} onClick={() => create.mutate()}>
                Create {toCreate.mailboxes} mailbox{toCreate.mailboxes === 1 ? "" : "es"}
              </Button>
            )}
          </div>
        </Card>
      )}
      {created && (
        <Card title="3. Consent links">
          <div className="space-y-3 text-sm" data-testid="import-created">
            <p>
              Created {created.counts.tenants ?? 0} tenant(s), {created.counts.apps ?? 0} app(s) and {created.counts.mailboxes ?? 0}{" "}
              mailbox(es).
            </p>
            {created.warnings.map((w) => (
              <p key={w} className="text-amber-800">
                {w}
              </p>
            ))}
            <BulkConsentLinks tenantIds={created.tenantIds} />
          </div>
        </Card>
      )}
    </div>
  );
}
