"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError } from "@/lib/client/api-client";
import { mailboxKeys, tenantKeys } from "@/lib/client/query-keys";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import { EmptyState } from "@/components/ui/empty-state";
import { toast } from "@/components/ui/toaster";
import { useApps } from "@/lib/client/hooks/apps";
import { mailboxApi } from "@/lib/client/api/mailboxes";

export function NewMailboxClient({ tenantId, tenantName, domain }: { tenantId: string; tenantName: string; domain: string | null }) {
  const router = useRouter();
  const qc = useQueryClient();
  const apps = useApps(tenantId);
  const [v, setV] = useState({
    address: "",
    kind: "user",
    delegateUpn: "",
    signInName: "",
    appRegistrationId: "",
    inbound: "imap",
    outbound: "smtp",
    folder: "INBOX",
    afterProcessing: "keep",
    moveToFolder: "",
    confirmDelete: false,
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof v) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setV({ ...v, [k]: e.target.value });
  const appId = v.appRegistrationId || apps.data?.apps[0]?.id || "";
  // An app-only app connects with its own identity: no user (or delegate) signs in, the mailbox page
  // shows the app-only checklist instead of Connect, and only the app's protocols are offered.
  const profile = apps.data?.apps.find((a) => a.id === appId)?.scopeProfile;
  const appOnly = profile === "graph_app_only" || profile === "exchange_app_only" ? profile : null;
  const inboundOptions = [
    { value: "imap", label: "IMAP" },
    { value: "pop", label: "POP3" },
    { value: "graph", label: "Microsoft Graph" },
    { value: "none", label: "None (send only)" },
  ].filter((o) => !appOnly || o.value === "none" || (appOnly === "graph_app_only") === (o.value === "graph"));
  const outboundOptions = [
    { value: "smtp", label: "SMTP" },
    { value: "graph", label: "Microsoft Graph" },
    { value: "none", label: "None (receive only)" },
  ].filter((o) => !appOnly || o.value === "none" || (appOnly === "graph_app_only") === (o.value === "graph"));
  const inbound = inboundOptions.some((o) => o.value === v.inbound) ? v.inbound : inboundOptions[0].value;
  const outbound = outboundOptions.some((o) => o.value === v.outbound) ? v.outbound : outboundOptions[0].value;
  const kind = appOnly ? "user" : v.kind;
  if (apps.data && apps.data.apps.length === 0) {
    return (
      <EmptyState
        title="Register an app first"
        body="Mailboxes sign in through the customer's Azure app registration."
        action={
          <Link className="rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white" href={`/tenants/${tenantId}/apps/new`}>
            Register app
          </Link>
        }
      />
    );
  }
  return (
    <div className="max-w-2xl">
      <PageHeader title="Add mailbox" subtitle={tenantName} />
      <Card>
        <form
          noValidate
          className="space-y-4"
          onSubmit={async (e) => {
            e.preventDefault();
            setBusy(true);
            setErrors({});
            try {
              const { mailbox } = await mailboxApi.create(tenantId, {
                ...v,
                kind,
                inbound,
                outbound,
                appRegistrationId: appId,
                delegateUpn: kind === "shared" ? v.delegateUpn : null,
                signInName: kind === "user" && v.signInName.trim() ? v.signInName : null,
                moveToFolder: v.afterProcessing === "move" ? v.moveToFolder : null,
                confirmDelete: v.afterProcessing === "delete" ? v.confirmDelete : undefined,
              });
              await qc.invalidateQueries({ queryKey: mailboxKeys.all });
              await qc.invalidateQueries({ queryKey: tenantKeys.all });
              toast(
                appOnly ? `Added ${mailbox.address}. Follow its app-only checklist.` : `Added ${mailbox.address}. Connect it to sign in.`,
              );
              router.push(`/tenants/${tenantId}/mailboxes/${mailbox.id}`);
            } catch (err) {
              if (err instanceof ApiError) setErrors(err.fields ?? { _: err.message });
            } finally {
              setBusy(false);
            }
          }}
        >
          <TextField
            label="Mailbox address"
            type="email"
            value={v.address}
            onChange={set("address")}
            error={errors.address}
            placeholder={`helpdesk@${domain ?? "contoso.com"}`}
          />
          {!appOnly && (
            <SelectField
              label="Kind"
              value={v.kind}
              onChange={set("kind")}
              options={[
                { value: "user", label: "User mailbox (signs in itself)" },
                { value: "shared", label: "Shared mailbox (a delegate signs in)" },
              ]}
            />
          )}
          {kind === "user" && (
            <TextField
              label="Sign-in name (if not the address)"
              type="email"
              value={v.signInName}
              onChange={set("signInName")}
              error={errors.signInName}
              placeholder={`j.doe@${domain ?? "contoso.com"}`}
              hint="The user's UPN when it differs from the mailbox address. Microsoft's page is pre-filled with it; Connect accepts whoever owns the address (an alias too)."
            />
          )}
          {kind === "shared" && (
            <div className="rounded-md bg-indigo-50 p-3 text-sm text-indigo-900">
              A shared mailbox can&apos;t sign in. Its <strong>delegate</strong> signs in and needs <strong>FullAccess</strong> on it to
              read (IMAP, Graph) and <strong>SendAs</strong> to send from its address.{" "}
              <Link className="font-medium underline" href={`/tenants/${tenantId}/mailboxes/new/shared`}>
                Set it up step by step
              </Link>{" "}
              (permissions with the PowerShell to run, the delegate&apos;s sign-in, live checks).
              <div className="mt-3">
                <TextField
                  label="Delegate (who signs in)"
                  type="email"
                  value={v.delegateUpn}
                  onChange={set("delegateUpn")}
                  error={errors.delegateUpn}
                  placeholder={`it.admin@${domain ?? "contoso.com"}`}
                />
              </div>
            </div>
          )}
          <SelectField
            label="App registration"
            value={appId}
            onChange={set("appRegistrationId")}
            error={errors.appRegistrationId}
            options={(apps.data?.apps ?? []).map((a) => ({
              value: a.id,
              label: `${a.displayName} (${a.clientId.slice(0, 8)}…)${a.scopeProfile === "graph_app_only" || a.scopeProfile === "exchange_app_only" ? " · app-only" : ""}`,
            }))}
          />
          {appOnly && (
            <div className="rounded-md bg-indigo-50 p-3 text-sm text-indigo-900" data-testid="app-only-note">
              This app connects with its own identity (app-only): no user signs in and no consent link is sent to one. After adding, the
              mailbox page shows its checklist: the admin&apos;s consent to the application permissions,{" "}
              {appOnly === "exchange_app_only"
                ? "Exchange's access for the app (the PowerShell, filled in),"
                : "limiting the app to the mailboxes it may read (RBAC for Applications),"}{" "}
              then a connection test. Any mailbox of the tenant works, shared ones included.
            </div>
          )}
          <div className="grid gap-4 md:grid-cols-2">
            <SelectField label="Inbound" value={inbound} onChange={set("inbound")} options={inboundOptions} />
            <SelectField label="Outbound" value={outbound} onChange={set("outbound")} options={outboundOptions} />
          </div>
          <TextField label="Folder to read" value={v.folder} onChange={set("folder")} error={errors.folder} />
          <SelectField
            label="After processing"
            value={v.afterProcessing}
            onChange={set("afterProcessing")}
            options={[
              { value: "keep", label: "Keep (recommended)" },
              { value: "mark_read", label: "Mark as read" },
              { value: "move", label: "Move to a folder" },
              { value: "delete", label: "Delete" },
            ]}
          />
          {v.afterProcessing === "move" && (
            <TextField
              label="Move to folder"
              value={v.moveToFolder}
              onChange={set("moveToFolder")}
              error={errors.moveToFolder}
              placeholder="Processed"
            />
          )}
          {v.afterProcessing === "delete" && (
            <label className="flex items-start gap-2 rounded-md bg-red-50 p-3 text-sm text-red-900">
              <input
                type="checkbox"
                checked={v.confirmDelete}
                onChange={(e) => setV({ ...v, confirmDelete: e.target.checked })}
                className="mt-0.5"
              />
              <span>
                I understand that every processed message will be <strong>deleted from this mailbox</strong>, so people lose their copy of
                the mail, and another system reading the same folder will never see it.
              </span>
            </label>
          )}
          {errors.confirmDelete && <p className="text-sm text-red-600">{errors.confirmDelete}</p>}
          {errors._ && <p className="text-sm text-red-600">{errors._}</p>}
          <Button type="submit" isBusy={busy}>
            Add mailbox
          </Button>
        </form>
      </Card>
    </div>
  );
}
