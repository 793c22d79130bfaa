// Public, read-only status page of one tenant for the customer's admin (no Consentry account):
// each mailbox in plain words, and for what is broken, why and how to fix it.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { resolveStatusLinkOnce } from "./resolve-once";

import { PublicShell } from "@/components/public-shell";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Mail connection status · Consentry", referrer: "no-referrer", robots: { index: false } };

const TONE: Record<string, string> = {
  connected: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  degraded: "bg-amber-50 text-amber-800 ring-amber-200",
  failing: "bg-red-50 text-red-700 ring-red-200",
  needs_reconsent: "bg-red-50 text-red-700 ring-red-200",
};
const when = (d: Date | string | null) => (d ? new Date(d).toISOString().replace("T", " ").slice(0, 16) + " UTC" : "never");

export default async function StatusPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const { state, view } = await resolveStatusLinkOnce(token.slice(0, 100));
  // A dead link answers 404 (monitors and proxies see a refusal); the layout shows why.
  if (state !== "ok" || !view) notFound();
  const broken = view.mailboxes.filter((m) => m.problem);
  return (
    <PublicShell wide>
      <p className="text-sm font-medium uppercase tracking-wide text-indigo-600">Provided by {view.msp}</p>
      <h1 className="mt-1 text-2xl font-semibold text-slate-900">Mail connection status for {view.tenant}</h1>
      <p className="mt-2 text-slate-600" data-testid="status-summary">
        {view.mailboxes.length === 0
          ? "No mailboxes are connected yet."
          : broken.length === 0
            ? `All ${view.mailboxes.length} mailbox${view.mailboxes.length > 1 ? "es are" : " is"} working.`
            : `${broken.length} of ${view.mailboxes.length} mailboxes need attention. The steps below say what to change in your Microsoft 365 organization; your IT provider can do it with you.`}
      </p>
      <p className="mt-1 text-xs text-slate-500">
        Organization-wide consent: {view.organizationConsent ? `granted ${when(view.organizationConsent)}` : "not granted"}. This page
        updates live; it works until {when(view.expiresAt)}.
      </p>
      <ul className="mt-6 space-y-3" data-testid="status-mailboxes">
        {view.mailboxes.map((m) => (
          <li key={m.address} className="rounded-md border border-slate-200 p-4" data-testid={`status-${m.address}`}>
            <div className="flex flex-wrap items-center justify-between gap-2">
              <div>
                <div className="font-medium text-slate-900">{m.address}</div>
                <div className="text-xs text-slate-500">
                  {m.kind === "shared" ? "Shared mailbox" : "Mailbox"} · last checked {when(m.checks?.at ?? null)} · last mail pulled{" "}
                  {when(m.lastSyncAt)}
                </div>
              </div>
              <span
                className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONE[m.state] ?? "bg-slate-100 text-slate-700 ring-slate-200"}`}
              >
                {m.stateLabel}
              </span>
            </div>
            {m.checks && (
              <div className="mt-2 flex flex-wrap gap-2 text-xs">
                {m.checks.steps.map((s, i) => (
                  <span key={i} className={s.ok ? "text-emerald-700" : "text-red-700"}>
                    {s.protocol.toUpperCase()} {s.ok ? "✓" : "✗"}
                  </span>
                ))}
              </div>
            )}
            {m.problem && (
              <div className="mt-3 rounded-md bg-red-50 p-3 text-sm">
                <div className="font-medium text-red-800">{m.problem.title}</div>
                <p className="mt-1 text-red-900">{m.problem.cause}</p>
                <ol className="mt-2 list-decimal space-y-1 pl-5 text-slate-800">
                  {m.problem.fixSteps.map((f, i) => (
                    <li key={i}>{f}</li>
                  ))}
                </ol>
              </div>
            )}
          </li>
        ))}
      </ul>
      {view.expiringSecrets.length > 0 && (
        <div className="mt-6 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          {view.expiringSecrets.map((s) => (
            <div key={s.app}>
              The app &quot;{s.app}&quot; needs a new client secret before {when(s.expiresAt)}; your IT provider will ask you for it if it
              lives in your Azure.
            </div>
          ))}
        </div>
      )}
    </PublicShell>
  );
}
