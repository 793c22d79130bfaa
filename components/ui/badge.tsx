import type { ReactNode } from "react";

type TTone = "slate" | "green" | "amber" | "red" | "indigo" | "blue";
const TONES: Record<TTone, string> = {
  slate: "bg-slate-100 text-slate-700 ring-slate-200",
  green: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  amber: "bg-amber-50 text-amber-800 ring-amber-200",
  red: "bg-red-50 text-red-700 ring-red-200",
  indigo: "bg-indigo-50 text-indigo-700 ring-indigo-200",
  blue: "bg-sky-50 text-sky-700 ring-sky-200",
};

export function Badge({ tone = "slate", children }: { tone?: TTone; children: ReactNode }) {
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[tone]}`}>
      {children}
    </span>
  );
}

const STATE: Record<string, { tone: TTone; label: string }> = {
  pending_consent: { tone: "slate", label: "Pending consent" },
  connected: { tone: "green", label: "Connected" },
  degraded: { tone: "amber", label: "Degraded" },
  failing: { tone: "red", label: "Failing" },
  needs_reconsent: { tone: "red", label: "Needs re-consent" },
  disabled: { tone: "slate", label: "Paused" },
};

export function StatusBadge({ state }: { state: string }) {
  const s = STATE[state] ?? { tone: "slate" as TTone, label: state };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

export const CLOUD_BADGE: Record<string, { tone: TTone; label: string }> = {
  global: { tone: "blue", label: "Global" },
  usgov: { tone: "indigo", label: "US Gov" },
  china: { tone: "amber", label: "China" },
  sandbox: { tone: "slate", label: "Sandbox" },
};
