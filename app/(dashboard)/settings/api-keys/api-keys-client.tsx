"use client";
// Keys for the REST API: helpdesks read pulled mail and queue replies, monitors read /api/v1/status.
import { useEffect, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useFormSubmit } from "@/lib/client/use-form-submit";
import { apiKeyKeys } from "@/lib/client/query-keys";
import type { TTenant, TApiKey as TKey } from "@/lib/client/wire-types";
import { ago, day } from "@/lib/client/format";
import { DataTable } from "@/components/data-table";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { SelectField, TextField } from "@/components/ui/field";
import { EmptyState } from "@/components/ui/empty-state";
import { toast } from "@/components/ui/toaster";
import { TenantScopePicker } from "@/components/tenants/tenant-scope-picker";
import { useApiKeys } from "@/lib/client/hooks/api-keys";
import { useTenants } from "@/lib/client/hooks/tenants";
import { apiKeyApi } from "@/lib/client/api/api-keys";

const keyState = (k: TKey) => (k.revokedAt ? "revoked" : k.expiresAt && new Date(k.expiresAt) <= new Date() ? "expired" : "active");

export function ApiKeysClient({ limitedTo }: { limitedTo: string[] | null }) {
  const qc = useQueryClient();
  const keys = useApiKeys();
  const tenants = useTenants();
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const revoke = useMutation({
    mutationFn: (id: string) => apiKeyApi.revoke(id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: apiKeyKeys.all });
      toast("Key revoked: it stops working now.");
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const tenantName = (id: string) => tenants.data?.tenants.find((t) => t.id === id)?.displayName ?? "another tenant";
  return (
    <div className="space-y-6">
      <PageHeader
        title="API keys"
        subtitle="For helpdesks that read the mail Consentry pulls and queue replies, and for monitors that watch mailbox health."
        actions={
          <Button
            onClick={() => {
              setOpen(!open);
              setCreated(null);
            }}
          >
            Create API key
          </Button>
        }
      />
      {created && <NewKey created={created} onClose={() => setCreated(null)} />}
      {open && (
        <CreateKey
          tenants={(tenants.data?.tenants ?? []).filter((t) => !limitedTo || limitedTo.includes(t.id))}
          mustLimit={!!limitedTo}
          onCreated={(c) => {
            setOpen(false);
            setCreated(c);
          }}
        />
      )}
      <DataTable
        testId="api-keys"
        rows={keys.data?.apiKeys ?? []}
        rowKey={(k) => k.id}
        filterText={(k) => `${k.name} ${k.prefix} ${k.createdByEmail}`}
        selectFilters={[
          {
            key: "state",
            label: "Status",
            options: ["active", "expired", "revoked"].map((s) => ({ value: s, label: s })),
            match: (k, v) => keyState(k) === v,
          },
        ]}
        initialSort={{ key: "created", dir: "desc" }}
        columns={[
          {
            key: "name",
            header: "Name",
            cell: (k) => (
              <div>
                <div className="font-medium">{k.name}</div>
                <code className="text-xs text-slate-500">{k.prefix}…</code>
              </div>
            ),
            sortValue: (k) => k.name,
          },
          {
            key: "scopes",
            header: "Can",
            cell: (k) => (
              <div className="flex gap-1">
                {k.scopes.map((s) => (
                  <Badge key={s} tone={s === "send" ? "amber" : "blue"}>
                    {s}
                  </Badge>
                ))}
              </div>
            ),
          },
          { key: "tenants", header: "Tenants", cell: (k) => (k.hasAllTenants ? "All tenants" : k.tenantIds.map(tenantName).join(", ")) },
          { key: "used", header: "Last used", cell: (k) => ago(k.lastUsedAt), sortValue: (k) => k.lastUsedAt ?? "" },
          {
            key: "created",
            header: "Created",
            cell: (k) => (
              <span className="text-xs">
                {day(k.createdAt)} by {k.createdByEmail}
              </span>
            ),
            sortValue: (k) => k.createdAt,
          },
          {
            key: "expires",
            header: "Expires",
            cell: (k) => (k.expiresAt ? day(k.expiresAt) : "Never"),
            sortValue: (k) => k.expiresAt ?? "9999",
          },
          {
            key: "state",
            header: "Status",
            cell: (k) => {
              const s = keyState(k);
              return <Badge tone={s === "active" ? "green" : "slate"}>{s}</Badge>;
            },
            sortValue: (k) => keyState(k),
          },
          {
            key: "actions",
            header: "",
            cell: (k) =>
              keyState(k) !== "active" ? null : !k.canRevoke ? (
                <span className="text-xs text-slate-500" data-testid="revoke-not-allowed">
                  Only an owner or admin who sees all tenants can revoke someone else&apos;s key.
                </span>
              ) : (
                <Button
                  variant="ghost"
                  onClick={() => confirm(`Revoke "${k.name}"? Whatever uses it stops working at once.`) && revoke.mutate(k.id)}
                >
                  Revoke
                </Button>
              ),
          },
        ]}
        empty={
          <EmptyState
            title="No API keys yet"
            body="Create one for your helpdesk (read + send) or your RMM monitor (read), then call the API with it as a Bearer token."
            action={<Button onClick={() => setOpen(true)}>Create API key</Button>}
          />
        }
      />
      <ApiReference />
    </div>
  );
}

function NewKey({ created, onClose }: { created: { key: string; name: string }; onClose: () => void }) {
  return (
    <div className="rounded-lg border border-emerald-300 bg-emerald-50 p-4" data-testid="new-api-key">
      <div className="font-medium text-emerald-900">Key &quot;{created.name}&quot; created. Copy it now: it is shown only once.</div>
      <div className="mt-2 flex items-center gap-2">
        <code className="min-w-0 flex-1 truncate rounded bg-white px-2 py-1 text-sm" data-testid="api-key-value">
          {created.key}
        </code>
        <CopyButton value={created.key} label="Copy key" />
        <Button variant="secondary" onClick={onClose}>
          Done
        </Button>
      </div>
    </div>
  );
}

function CreateKey({
  tenants,
  mustLimit,
  onCreated,
}: {
  tenants: TTenant[];
  mustLimit: boolean;
  onCreated: (c: { key: string; name: string }) => void;
}) {
  const qc = useQueryClient();
  const [v, setV] = useState({ name: "", access: "read,send", hasAllTenants: !mustLimit, tenantIds: [] as string[], expiresInDays: "365" });
  const { errors, busy, onSubmit } = useFormSubmit(async () => {
    const body = {
      name: v.name,
      scopes: v.access.split(","),
      hasAllTenants: v.hasAllTenants,
      tenantIds: v.hasAllTenants ? [] : v.tenantIds,
      expiresInDays: v.expiresInDays ? Number(v.expiresInDays) : null,
    };
    const r = await apiKeyApi.create(body);
    await qc.invalidateQueries({ queryKey: apiKeyKeys.all });
    onCreated({ key: r.key, name: r.apiKey.name });
  });
  return (
    <Card title="Create API key">
      <form className="grid gap-4 md:grid-cols-3" onSubmit={onSubmit}>
        <TextField
          label="Key name"
          placeholder="Helpdesk production"
          value={v.name}
          onChange={(e) => setV({ ...v, name: e.target.value })}
          error={errors.name}
        />
        <SelectField
          label="Permissions"
          value={v.access}
          onChange={(e) => setV({ ...v, access: e.target.value })}
          error={errors.scopes}
          options={[
            { value: "read,send", label: "Read mail and send (helpdesk)" },
            { value: "read", label: "Read only (monitoring, archiving)" },
          ]}
        />
        <SelectField
          label="Expires"
          value={v.expiresInDays}
          onChange={(e) => setV({ ...v, expiresInDays: e.target.value })}
          error={errors.expiresInDays}
          options={[
            { value: "30", label: "In 30 days" },
            { value: "90", label: "In 90 days" },
            { value: "365", label: "In a year" },
            { value: "", label: "Never" },
          ]}
        />
        <div className="md:col-span-3">
          <TenantScopePicker
            tenants={tenants}
            value={v}
            onChange={(s) => setV({ ...v, ...s })}
            error={errors.tenantIds}
            allLabel="All tenants (including ones added later)"
            canPickAll={!mustLimit}
          />
        </div>
        {errors._ && (
          <p className="text-sm text-red-600 md:col-span-3" role="alert">
            {errors._}
          </p>
        )}
        <div className="md:col-span-3">
          <Button type="submit" isBusy={busy}>
            Create key
          </Button>
        </div>
      </form>
    </Card>
  );
}

function ApiReference() {
  const [origin, setOrigin] = useState("https://consentry.example.com");
  useEffect(() => setOrigin(window.location.origin), []);
  const rows = [
    [
      "GET",
      "/api/v1/status",
      "Health for monitors: ok / warning / critical, mailboxes that need a person, expiring secrets (add ?strict=1 for a 503 when critical).",
    ],
    ["GET", "/api/v1/mailboxes", "Mailboxes with state and diagnosis (?tenantId=, ?state=)."],
    [
      "GET",
      "/api/v1/mailboxes/{id}/messages?after={cursor}",
      "Pulled mail in arrival order; keep nextCursor and poll with it to get each message once.",
    ],
    ["GET", "/api/v1/messages/{id}/raw", "The message as it arrived (message/rfc822)."],
    [
      "POST",
      "/api/v1/mailboxes/{id}/send",
      "Queue a message: {to, cc, bcc, subject, text | html, replyTo, inReplyTo, references, attachments}. Send an Idempotency-Key header to make retries safe.",
    ],
    ["GET", "/api/v1/outbound/{id}", "Where a queued message stands: queued, sending, sent or failed with its diagnosis."],
  ];
  const example = `curl -H "Authorization: Bearer csk_…" ${origin}/api/v1/status`;
  return (
    <Card
      title="REST API"
      actions={
        <a href="/api/v1/openapi.json" className="text-sm text-indigo-700 hover:underline">
          OpenAPI document
        </a>
      }
    >
      <table className="w-full text-sm">
        <tbody className="divide-y divide-slate-100">
          {rows.map(([m, p, d]) => (
            <tr key={p}>
              <td className="py-2 pr-3 align-top">
                <Badge tone={m === "POST" ? "amber" : "blue"}>{m}</Badge>
              </td>
              <td className="py-2 pr-3 align-top">
                <code className="text-xs">{p}</code>
              </td>
              <td className="py-2 text-slate-600">{d}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="mt-3 flex items-center gap-2">
        <code className="min-w-0 flex-1 truncate rounded bg-slate-100 px-2 py-1 text-xs">{example}</code>
        <CopyButton value={example} label="Copy example" />
      </div>
    </Card>
  );
}
