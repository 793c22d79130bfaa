"use client";
// Edit an app registration (name, scope profile, default prompt, authority and token-endpoint
// overrides), with what the change does shown before saving. Overrides go through the server's
// trusted-host check for the tenant's cloud; a new profile on an app that mailboxes use needs a tick.
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError } from "@/lib/client/api-client";
import { appKeys, mailboxKeys, tenantKeys } from "@/lib/client/query-keys";
import type { TApp } from "@/lib/client/wire-types";
import { appEditApi } from "@/lib/client/api/day2";
import { useMailboxes } from "@/lib/client/hooks/mailboxes";
import { PROFILE_LABELS } from "@/lib/microsoft/scope-profiles";
import { settingsEffect } from "@/lib/mailboxes/settings-effect";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import { toast } from "@/components/ui/toaster";

const PROMPTS: Record<string, string> = {
  select_account: "the account picker (recommended)",
  consent: "the consent screen every time",
  login: "a password prompt every time",
  none: "no prompt (fails when Microsoft needs the user)",
};

export function EditAppCard({ a, tenantId }: { a: TApp; tenantId: string }) {
  const qc = useQueryClient();
  const mailboxes = useMailboxes(tenantId);
  const init = {
    displayName: a.displayName,
    scopeProfile: a.scopeProfile as string,
    defaultPrompt: a.defaultPrompt as string,
    authorityOverride: a.authorityOverride ?? "",
    tokenEndpointOverride: a.tokenEndpointOverride ?? "",
  };
  const [v, setV] = useState(init);
  const [confirm, setConfirm] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof init) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setV({ ...v, [k]: e.target.value });
  const changes = Object.fromEntries(
    (Object.keys(v) as (keyof typeof init)[])
      .filter((k) => v[k] !== init[k])
      .map((k) => [k, (k === "authorityOverride" || k === "tokenEndpointOverride") && v[k].trim() === "" ? null : v[k]]),
  );
  const users = (mailboxes.data?.mailboxes ?? []).filter((m) => m.appRegistrationId === a.id);
  const profileChanged = "scopeProfile" in changes && a.mailboxCount > 0;
  const uncovered = profileChanged
    ? users.filter(
        (m) =>
          settingsEffect({ ...m, grantScopes: null }, {}, [{ id: a.id, displayName: a.displayName, scopeProfile: v.scopeProfile }]).problems
            .length > 0,
      )
    : [];
  const notes: string[] = [];
  if ("displayName" in changes) notes.push("Only the name shown in Consentry changes (not the one in Azure).");
  if ("scopeProfile" in changes)
    notes.push(
      `New consents ask for ${PROFILE_LABELS[v.scopeProfile as keyof typeof PROFILE_LABELS]} permissions: add them to the app in Azure first (see "What to set up in Azure"). ${a.mailboxCount} mailbox(es) use this app and keep their current grants until their users sign in again.`,
    );
  if (uncovered.length)
    notes.push(
      `The new profile doesn't cover how these mailboxes read or send, so they fail after their next consent unless their protocols change: ${uncovered.map((m) => m.address).join(", ")}.`,
    );
  if ("defaultPrompt" in changes) notes.push(`Sign-ins from now on show ${PROMPTS[v.defaultPrompt]}.`);
  if ("authorityOverride" in changes || "tokenEndpointOverride" in changes)
    notes.push(
      "Sign-ins and token requests for every mailbox on this app go to the new address at once. Only Microsoft hosts of the tenant's cloud are accepted.",
    );
  const nothing = Object.keys(changes).length === 0;
  return (
    <Card title="Edit app registration">
      <form
        noValidate
        className="space-y-4"
        data-testid="edit-app"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setErrors({});
          try {
            await appEditApi.update(a.id, { ...changes, ...(profileChanged ? { confirmProfileChange: confirm } : {}) });
            await Promise.all([appKeys.all, tenantKeys.all, mailboxKeys.all].map((k) => qc.invalidateQueries({ queryKey: k })));
            toast("App registration saved.");
            setConfirm(false);
          } catch (err) {
            if (err instanceof ApiError) setErrors({ ...(err.fields ?? {}), _: err.message });
          } finally {
            setBusy(false);
          }
        }}
      >
        <TextField label="Name in Consentry" value={v.displayName} onChange={set("displayName")} error={errors.displayName} />
        <SelectField
          label="Scope profile"
          value={v.scopeProfile}
          onChange={set("scopeProfile")}
          error={errors.scopeProfile}
          options={Object.entries(PROFILE_LABELS).map(([value, label]) => ({ value, label }))}
        />
        <SelectField
          label="Default prompt"
          value={v.defaultPrompt}
          onChange={set("defaultPrompt")}
          options={Object.keys(PROMPTS).map((p) => ({ value: p, label: p.replace("_", " ") }))}
        />
        <TextField
          label="Authority override (optional)"
          value={v.authorityOverride}
          onChange={set("authorityOverride")}
          error={errors.authorityOverride}
          placeholder="https://login.microsoftonline.com/<tenant>"
        />
        <TextField
          label="Token endpoint override (optional)"
          value={v.tokenEndpointOverride}
          onChange={set("tokenEndpointOverride")}
          error={errors.tokenEndpointOverride}
          placeholder="https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token"
        />
        {!nothing && (
          <div className="space-y-2 rounded-md bg-slate-50 p-3 text-sm text-slate-700" data-testid="app-effect">
            <p className="font-medium text-slate-900">What saving does</p>
            <ul className="list-disc space-y-1 pl-5">
              {notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
            {profileChanged && (
              <label className="flex items-start gap-2 rounded-md bg-amber-50 p-2 text-amber-900">
                <input type="checkbox" checked={confirm} onChange={(e) => setConfirm(e.target.checked)} className="mt-0.5" />
                <span>Change the permissions this app asks for.</span>
              </label>
            )}
          </div>
        )}
        {errors._ && <p className="text-sm text-red-600">{errors._}</p>}
        <Button type="submit" isBusy={busy} disabled={nothing || (profileChanged && !confirm)}>
          Save app
        </Button>
      </form>
    </Card>
  );
}
