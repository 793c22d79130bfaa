"use client";
// Edit every setting of a mailbox. What the change will do is worked out as the person edits (the
// same rule the server enforces, lib/mailboxes/settings-effect.ts): a change the grant can't serve
// says so and needs a tick before saving, which moves the mailbox to pending consent.
import { useMemo, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError } from "@/lib/client/api-client";
import { mailboxKeys, consentLinkKeys } from "@/lib/client/query-keys";
import type { TApp, TMailbox } from "@/lib/client/wire-types";
import { day2Api } from "@/lib/client/api/day2";
import { settingsEffect } from "@/lib/mailboxes/settings-effect";
import { Button } from "@/components/ui/button";
import { SelectField, TextAreaField, TextField } from "@/components/ui/field";
import { toast } from "@/components/ui/toaster";

type TForm = {
  appRegistrationId: string;
  delegateUpn: string;
  inbound: string;
  outbound: string;
  folder: string;
  afterProcessing: string;
  moveToFolder: string;
  replyTo: string;
  signature: string;
};

const fromMailbox = (m: TMailbox): TForm => ({
  appRegistrationId: m.appRegistrationId ?? "",
  delegateUpn: m.delegateUpn ?? "",
  inbound: m.inbound,
  outbound: m.outbound,
  folder: m.folder,
  afterProcessing: m.afterProcessing,
  moveToFolder: m.moveToFolder ?? "",
  replyTo: m.replyTo ?? "",
  signature: m.signature ?? "",
});

/** Only what changed goes to the server (empty optional text becomes null). */
function diff(m: TMailbox, v: TForm): Record<string, string | null> {
  const cur = fromMailbox(m);
  const out: Record<string, string | null> = {};
  for (const k of Object.keys(v) as (keyof TForm)[]) {
    if (v[k] === cur[k]) continue;
    if (k === "delegateUpn" && m.kind !== "shared") continue;
    out[k] = ["moveToFolder", "replyTo", "signature", "delegateUpn"].includes(k) && v[k].trim() === "" ? null : v[k];
  }
  if (out.afterProcessing && out.afterProcessing !== "move" && v.moveToFolder) out.moveToFolder = null;
  if (out.afterProcessing === "move" && !("moveToFolder" in out)) out.moveToFolder = v.moveToFolder;
  return out;
}

export function EditSettingsForm({ m, tenantId, apps, onDone }: { m: TMailbox; tenantId: string; apps: TApp[]; onDone: () => void }) {
  const qc = useQueryClient();
  const [v, setV] = useState<TForm>(() => fromMailbox(m));
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [confirmReconsent, setConfirmReconsent] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set = (k: keyof TForm) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
    setV({ ...v, [k]: e.target.value });
  const changes = diff(m, v);
  const effect = useMemo(
    () =>
      settingsEffect(
        {
          kind: m.kind,
          appRegistrationId: m.appRegistrationId,
          delegateUpn: m.delegateUpn,
          inbound: m.inbound,
          outbound: m.outbound,
          folder: m.folder,
          afterProcessing: m.afterProcessing,
          moveToFolder: m.moveToFolder,
          state: m.state,
          grantScopes: m.grant?.scopes ?? null,
        },
        changes,
        apps.map((a) => ({ id: a.id, displayName: a.displayName, scopeProfile: a.scopeProfile })),
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [JSON.stringify(changes), m, apps],
  );
  const nothing = Object.keys(changes).length === 0;
  const deleting = changes.afterProcessing === "delete";
  return (
    <form
      noValidate
      className="space-y-4"
      data-testid="edit-settings"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setErrors({});
        try {
          await day2Api.updateMailbox(tenantId, m.id, {
            ...changes,
            ...(deleting ? { confirmDelete } : {}),
            ...(effect.needsConsent ? { confirmReconsent } : {}),
          });
          await qc.invalidateQueries({ queryKey: mailboxKeys.all });
          await qc.invalidateQueries({ queryKey: consentLinkKeys.all });
          toast(effect.needsConsent ? "Saved. The mailbox now waits for a new consent." : "Settings saved.");
          onDone();
        } catch (err) {
          if (err instanceof ApiError) setErrors({ ...(err.fields ?? {}), _: err.message });
        } finally {
          setBusy(false);
        }
      }}
    >
      <SelectField
        label="App registration"
        value={v.appRegistrationId}
        onChange={set("appRegistrationId")}
        error={errors.appRegistrationId}
        options={apps.map((a) => ({ value: a.id, label: `${a.displayName} (${a.clientId.slice(0, 8)}…)` }))}
      />
      {m.kind === "shared" && (
        <TextField
          label="Delegate (who signs in)"
          type="email"
          value={v.delegateUpn}
          onChange={set("delegateUpn")}
          error={errors.delegateUpn}
        />
      )}
      <div className="grid gap-4 md:grid-cols-2">
        <SelectField
          label="Inbound"
          value={v.inbound}
          onChange={set("inbound")}
          error={errors.inbound}
          options={[
            { value: "imap", label: "IMAP" },
            { value: "pop", label: "POP3" },
            { value: "graph", label: "Microsoft Graph" },
            { value: "none", label: "None (send only)" },
          ]}
        />
        <SelectField
          label="Outbound"
          value={v.outbound}
          onChange={set("outbound")}
          options={[
            { value: "smtp", label: "SMTP" },
            { value: "graph", label: "Microsoft Graph" },
            { value: "none", label: "None (receive only)" },
          ]}
        />
      </div>
      <TextField label="Folder to read" value={v.folder} onChange={set("folder")} error={errors.folder} />
      <SelectField
        label="After processing"
        value={v.afterProcessing}
        onChange={set("afterProcessing")}
        error={errors.afterProcessing}
        options={[
          { value: "keep", label: "Keep (recommended)" },
          { value: "mark_read", label: "Mark as read" },
          { value: "move", label: "Move to a folder" },
          { value: "delete", label: "Delete" },
        ]}
      />
      {v.afterProcessing === "move" && (
        <TextField label="Move to folder" value={v.moveToFolder} onChange={set("moveToFolder")} error={errors.moveToFolder} />
      )}
      {deleting && (
        <label className="flex items-start gap-2 rounded-md bg-red-50 p-3 text-sm text-red-900">
          <input type="checkbox" checked={confirmDelete} onChange={(e) => setConfirmDelete(e.target.checked)} className="mt-0.5" />
          <span>
            I understand that every processed message will be <strong>deleted from this mailbox</strong>, so people lose their copy of the
            mail, and another system reading the same folder will never see it.
          </span>
        </label>
      )}
      {errors.confirmDelete && <p className="text-sm text-red-600">{errors.confirmDelete}</p>}
      <TextField
        label="Reply-To for mail sent from here (optional)"
        type="email"
        value={v.replyTo}
        onChange={set("replyTo")}
        error={errors.replyTo}
      />
      <TextAreaField label="Signature (optional)" value={v.signature} onChange={set("signature")} error={errors.signature} />
      {!nothing && (
        <div className="space-y-2 rounded-md bg-slate-50 p-3 text-sm text-slate-700" data-testid="settings-effect">
          <p className="font-medium text-slate-900">What saving does</p>
          {effect.problems.map((p) => (
            <p key={p} className="text-red-700">
              {p}
            </p>
          ))}
          {effect.consentReasons.map((r) => (
            <p key={r} className="text-amber-800">
              {r}
            </p>
          ))}
          <ul className="list-disc space-y-1 pl-5">
            {effect.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
            {effect.notes.length === 0 && effect.consentReasons.length === 0 && (
              <li>The change applies at the next sync; the grant stays.</li>
            )}
          </ul>
          {effect.needsConsent && (
            <label className="flex items-start gap-2 rounded-md bg-amber-50 p-2 text-amber-900">
              <input
                type="checkbox"
                checked={confirmReconsent}
                onChange={(e) => setConfirmReconsent(e.target.checked)}
                className="mt-0.5"
              />
              <span>Save and ask for a new consent (the mailbox moves to Pending consent).</span>
            </label>
          )}
        </div>
      )}
      {errors._ && <p className="text-sm text-red-600">{errors._}</p>}
      <div className="flex gap-2">
        <Button
          type="submit"
          isBusy={busy}
          disabled={nothing || effect.problems.length > 0 || (effect.needsConsent && !confirmReconsent) || (deleting && !confirmDelete)}
        >
          Save settings
        </Button>
        <Button type="button" variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
