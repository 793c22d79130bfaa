"use client";
// Downloads a redacted support bundle for the workspace, a tenant or a mailbox. A plain link, so
// the browser's own download (with its progress) handles it.
import { useState } from "react";

export function SupportBundleButton({
  tenantId,
  mailboxId,
  compact = false,
}: {
  tenantId?: string;
  mailboxId?: string;
  compact?: boolean;
}) {
  const [days, setDays] = useState("7");
  const [pseudo, setPseudo] = useState(false);
  const qs = new URLSearchParams({
    ...(tenantId ? { tenantId } : {}),
    ...(mailboxId ? { mailboxId } : {}),
    days,
    ...(pseudo ? { pseudonymize: "1" } : {}),
  });
  const what = mailboxId ? "this mailbox" : tenantId ? "this tenant" : "every tenant you can see";
  return (
    <div
      className={`flex flex-wrap items-center gap-2 ${compact ? "" : "rounded-lg border border-slate-200 bg-white p-3 shadow-sm"}`}
      data-testid="support-bundle"
    >
      {!compact && (
        <span className="text-sm text-slate-600">
          Support bundle for {what}: configuration, states, diagnoses and events, with secrets, tokens and mail content left out.
        </span>
      )}
      <select
        aria-label="Bundle period"
        value={days}
        onChange={(e) => setDays(e.target.value)}
        className="rounded-md border border-slate-300 px-2 py-1.5 text-sm"
      >
        <option value="1">Last 24 h</option>
        <option value="7">Last 7 days</option>
        <option value="30">Last 30 days</option>
        <option value="90">Last 90 days</option>
      </select>
      <label
        className="flex items-center gap-1 text-sm text-slate-600"
        title="Replaces each address's local part with a stable pseudonym, for sharing outside the MSP"
      >
        <input type="checkbox" checked={pseudo} onChange={(e) => setPseudo(e.target.checked)} /> Pseudonymize addresses
      </label>
      <a
        href={`/api/support-bundle?${qs}`}
        download
        className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700"
      >
        Export support bundle
      </a>
    </div>
  );
}
