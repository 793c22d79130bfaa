"use client";
// Webhooks: new mail, mailbox state changes and outbound results pushed to the MSP's systems,
// signed, retried, and visible delivery by delivery.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useFormSubmit } from "@/lib/client/use-form-submit";
import { webhookKeys } from "@/lib/client/query-keys";
import type { TTenant, TWebhook as THook } from "@/lib/client/wire-types";
import { ago, dateTime } from "@/lib/client/format";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { TextField } from "@/components/ui/field";
import { EmptyState } from "@/components/ui/empty-state";
import { toast } from "@/components/ui/toaster";
import { TenantScopePicker } from "@/components/tenants/tenant-scope-picker";
import { useTenants } from "@/lib/client/hooks/tenants";
import { useWebhookDeliveries, useWebhooks } from "@/lib/client/hooks/webhooks";
import { webhookApi } from "@/lib/client/api/webhooks";

const EVENTS = [
  { value: "message.received", label: "New mail pulled (message.received)" },
  { value: "mailbox.state_changed", label: "Mailbox state changed (mailbox.state_changed)" },
  { value: "outbound.sent", label: "Queued mail sent (outbound.sent)" },
  { value: "outbound.failed", label: "Queued mail failed (outbound.failed)" },
];

const TONE = { pending: "blue", delivering: "indigo", delivered: "green", failed: "red" } as const;

export function WebhooksClient({ limitedTo }: { limitedTo: string[] | null }) {
  const hooks = useWebhooks({ refetchInterval: 10_000 });
  const tenants = useTenants();
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<{ secret: string; url: string } | null>(null);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Webhooks"
        subtitle="Push new mail, mailbox state changes and send results to your helpdesk or automation, signed with a secret only you and Consentry know."
        actions={
          <Button
            onClick={() => {
              setOpen(!open);
              setCreated(null);
            }}
          >
            Add endpoint
          </Button>
        }
      />
      {created && (
        <div className="rounded-lg border border-emerald-300 bg-emerald-50 p-4" data-testid="new-webhook">
          <div className="font-medium text-emerald-900">Endpoint added. Copy its signing secret now: it is shown only once.</div>
          <div className="mt-2 flex items-center gap-2">
            <code className="min-w-0 flex-1 truncate rounded bg-white px-2 py-1 text-sm" data-testid="webhook-secret">
              {created.secret}
            </code>
            <CopyButton value={created.secret} label="Copy secret" />
            <Button variant="secondary" onClick={() => setCreated(null)}>
              Done
            </Button>
          </div>
        </div>
      )}
      {open && (
        <CreateHook
          tenants={(tenants.data?.tenants ?? []).filter((t) => !limitedTo || limitedTo.includes(t.id))}
          mustLimit={!!limitedTo}
          onCreated={(c) => {
            setOpen(false);
            setCreated(c);
          }}
        />
      )}
      {hooks.data && hooks.data.webhooks.length === 0 ? (
        <EmptyState
          title="No webhooks yet"
          body="Add your helpdesk's endpoint to get new mail as it arrives instead of polling the REST API, and your alerting's to hear the moment a mailbox needs re-consent."
          action={<Button onClick={() => setOpen(true)}>Add endpoint</Button>}
        />
      ) : (
        hooks.data?.webhooks.map((h) => (
          <HookCard
            key={h.id}
            hook={h}
            tenantName={(id) => tenants.data?.tenants.find((t) => t.id === id)?.displayName ?? "another tenant"}
          />
        ))
      )}
      <Card title="Verifying deliveries">
        <p className="text-sm text-slate-600">
          Each POST carries <code>Consentry-Event</code>, <code>Consentry-Delivery</code> (the event id: use it to drop duplicates) and{" "}
          <code>Consentry-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</code>, where v1 is HMAC-SHA256 of{" "}
          <code>&lt;t&gt;.&lt;raw body&gt;</code> under the secret. Reject a signature that doesn&apos;t match or is older than 5 minutes.
          Answer 2xx within 10 s; anything else is retried with backoff for about a day, and 410 Gone switches the endpoint off.
        </p>
      </Card>
    </div>
  );
}

function HookCard({ hook: h, tenantName }: { hook: THook; tenantName: (id: string) => string }) {
  const qc = useQueryClient();
  const [showDeliveries, setShow] = useState(false);
  const deliveries = useWebhookDeliveries(h.id, { enabled: showDeliveries, refetchInterval: showDeliveries ? 3_000 : false });
  const refresh = () => void qc.invalidateQueries({ queryKey: webhookKeys.all });
  const act = useMutation({
    mutationFn: (a: { kind: "test" | "toggle" | "delete" | "redeliver"; deliveryId?: string }) =>
      a.kind === "test"
        ? webhookApi.test(h.id)
        : a.kind === "toggle"
          ? webhookApi.setEnabled(h.id, !h.isEnabled)
          : a.kind === "delete"
            ? webhookApi.remove(h.id)
            : webhookApi.redeliver(h.id, a.deliveryId),
    onSuccess: (_r, a) => {
      refresh();
      if (a.kind === "test") setShow(true);
      toast(
        a.kind === "test"
          ? "Test event queued."
          : a.kind === "delete"
            ? "Endpoint deleted."
            : a.kind === "redeliver"
              ? "Queued again."
              : "Saved.",
      );
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  // The new secret is in the answer only: shown here once, never fetched again.
  const [rotated, setRotated] = useState<{ secret: string; previousSecretValidUntil: string | null } | null>(null);
  const rotate = useMutation({
    mutationFn: () => webhookApi.rotateSecret(h.id, 24),
    onSuccess: (r) => {
      setRotated(r);
      toast("New signing secret created.");
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  return (
    <Card
      title={<span className="break-all font-mono text-sm">{h.url}</span>}
      actions={
        <div className="flex flex-wrap items-center gap-2" data-testid={`webhook-${h.id}`}>
          <Badge tone={h.isEnabled ? "green" : "slate"}>{h.isEnabled ? "enabled" : "off"}</Badge>
          <Button variant="secondary" isBusy={act.isPending && act.variables?.kind === "test"} onClick={() => act.mutate({ kind: "test" })}>
            Send test event
          </Button>
          <Button variant="secondary" onClick={() => act.mutate({ kind: "toggle" })}>
            {h.isEnabled ? "Turn off" : "Turn on"}
          </Button>
          <Button
            variant="secondary"
            isBusy={rotate.isPending}
            onClick={() =>
              confirm(`Create a new signing secret for ${h.url}? The current one keeps signing alongside it for 24 hours.`) &&
              rotate.mutate()
            }
          >
            Rotate secret
          </Button>
          <Button
            variant="ghost"
            onClick={() => confirm(`Delete the endpoint ${h.url}? Pending deliveries are dropped.`) && act.mutate({ kind: "delete" })}
          >
            Delete
          </Button>
        </div>
      }
    >
      {rotated && (
        <div className="mb-3 rounded-lg border border-emerald-300 bg-emerald-50 p-3" data-testid="rotated-webhook">
          <div className="text-sm font-medium text-emerald-900">New signing secret: copy it now, it is shown only once.</div>
          <div className="mt-2 flex items-center gap-2">
            <code className="min-w-0 flex-1 truncate rounded bg-white px-2 py-1 text-sm" data-testid="rotated-webhook-secret">
              {rotated.secret}
            </code>
            <CopyButton value={rotated.secret} label="Copy secret" />
          </div>
          <p className="mt-1 text-xs text-emerald-900">
            {rotated.previousSecretValidUntil
              ? `Deliveries carry a signature for each secret until ${dateTime(rotated.previousSecretValidUntil)}; update your receiver before then.`
              : "The old secret no longer signs."}
          </p>
        </div>
      )}
      <div className="flex flex-wrap gap-x-6 gap-y-2 text-sm text-slate-600">
        <div>
          {h.events.map((e) => (
            <Badge key={e} tone="indigo">
              {e}
            </Badge>
          ))}
        </div>
        <div>{h.hasAllTenants ? "All tenants" : h.tenantIds.map(tenantName).join(", ")}</div>
        <div data-testid="webhook-counts">
          {(["delivered", "pending", "failed"] as const).map((s) => `${h.deliveries[s] ?? 0} ${s}`).join(" · ")}
        </div>
        <div>
          Last success {ago(h.lastSuccessAt)}
          {h.lastFailureAt ? ` · last failure ${ago(h.lastFailureAt)}` : ""}
        </div>
        {h.description && <div>{h.description}</div>}
      </div>
      <button type="button" className="mt-3 text-sm text-indigo-700 hover:underline" onClick={() => setShow(!showDeliveries)}>
        {showDeliveries ? "Hide deliveries" : "Show deliveries"}
      </button>
      {showDeliveries && (
        <div className="mt-2" data-testid="webhook-deliveries">
          {!deliveries.data ? (
            <p className="text-sm text-slate-500">Loading…</p>
          ) : deliveries.data.deliveries.length === 0 ? (
            <p className="text-sm text-slate-500">No deliveries yet. Send a test event.</p>
          ) : (
            <table className="w-full text-sm">
              <thead className="text-left text-xs uppercase text-slate-500">
                <tr>
                  <th className="py-1">When</th>
                  <th>Event</th>
                  <th>Status</th>
                  <th>Attempts</th>
                  <th>Answer</th>
                  <th />
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {deliveries.data.deliveries.map((d) => (
                  <tr key={d.id} data-testid={`delivery-${d.eventType}`}>
                    <td className="py-1.5 pr-2 text-xs">{dateTime(d.createdAt)}</td>
                    <td className="pr-2">
                      <code className="text-xs">{d.eventType}</code>
                    </td>
                    <td className="pr-2">
                      <Badge tone={TONE[d.status]}>{d.status}</Badge>
                    </td>
                    <td className="pr-2">{d.attempts}</td>
                    <td className="pr-2 text-xs text-slate-600">
                      {d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : ""} {d.lastError ?? ""}
                      {d.status === "pending" && d.attempts > 0 ? ` · retry ${ago(d.nextAttemptAt)}` : ""}
                    </td>
                    <td>
                      {(d.status === "failed" || d.status === "delivered") && (
                        <Button variant="ghost" onClick={() => act.mutate({ kind: "redeliver", deliveryId: d.id })}>
                          Redeliver
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </Card>
  );
}

function CreateHook({
  tenants,
  mustLimit,
  onCreated,
}: {
  tenants: TTenant[];
  mustLimit: boolean;
  onCreated: (c: { secret: string; url: string }) => void;
}) {
  const qc = useQueryClient();
  const [v, setV] = useState({
    url: "",
    description: "",
    events: ["message.received", "mailbox.state_changed"],
    hasAllTenants: !mustLimit,
    tenantIds: [] as string[],
  });
  const { errors, busy, onSubmit } = useFormSubmit(async () => {
    const r = await webhookApi.create({ ...v, tenantIds: v.hasAllTenants ? [] : v.tenantIds });
    await qc.invalidateQueries({ queryKey: webhookKeys.all });
    onCreated({ secret: r.secret, url: r.webhook.url });
  });
  return (
    <Card title="Add endpoint">
      <form className="grid gap-4 md:grid-cols-2" onSubmit={onSubmit}>
        <TextField
          label="Endpoint URL"
          placeholder="https://helpdesk.example.com/hooks/consentry"
          value={v.url}
          onChange={(e) => setV({ ...v, url: e.target.value })}
          error={errors.url}
        />
        <TextField
          label="Description"
          placeholder="Helpdesk production"
          value={v.description}
          onChange={(e) => setV({ ...v, description: e.target.value })}
          error={errors.description}
        />
        <fieldset className="space-y-1 text-sm">
          <legend className="mb-1 font-medium text-slate-700">Events</legend>
          {EVENTS.map((ev) => (
            <label key={ev.value} className="flex items-center gap-2">
              <input
                type="checkbox"
                checked={v.events.includes(ev.value)}
                onChange={(e) =>
                  setV({ ...v, events: e.target.checked ? [...v.events, ev.value] : v.events.filter((x) => x !== ev.value) })
                }
              />
              {ev.label}
            </label>
          ))}
          {errors.events && (
            <p className="text-sm text-red-600" role="alert">
              {errors.events}
            </p>
          )}
        </fieldset>
        <TenantScopePicker
          tenants={tenants}
          value={v}
          onChange={(s) => setV({ ...v, ...s })}
          error={errors.tenantIds}
          legend="Only for"
          canPickAll={!mustLimit}
        />
        {errors._ && (
          <p className="text-sm text-red-600 md:col-span-2" role="alert">
            {errors._}
          </p>
        )}
        <div className="md:col-span-2">
          <Button type="submit" isBusy={busy}>
            Save endpoint
          </Button>
        </div>
      </form>
    </Card>
  );
}
