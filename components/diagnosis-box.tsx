// A diagnosis as people read it: what broke, why, the exact fix, and (where Consentry can act)
// the button that does it.
import type { ReactNode } from "react";
import type { TDiagnosisView } from "@/lib/client/wire-types";
export type { TDiagnosisView };

export function DiagnosisBox({ d, actions }: { d: TDiagnosisView; actions?: ReactNode }) {
  return (
    <div className="mt-4 rounded-md border border-red-200 bg-red-50 p-4 text-sm" role="alert" data-testid="diagnosis">
      <div className="font-semibold text-slate-900">{d.title}</div>
      <p className="mt-1 text-slate-700">{d.cause}</p>
      {d.fixSteps.length > 0 && (
        <ol className="mt-2 list-decimal space-y-1 pl-5 text-slate-700">
          {d.fixSteps.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ol>
      )}
      {d.links && d.links.length > 0 && (
        <ul className="mt-2 space-y-1" data-testid="fix-links">
          {d.links.map((l) => (
            <li key={l.place}>
              <a
                className="font-medium text-indigo-700 hover:underline"
                href={l.url}
                target="_blank"
                rel="noopener noreferrer"
                data-testid={`fix-link-${l.place}`}
              >
                {l.label} ↗
              </a>
            </li>
          ))}
        </ul>
      )}
      {actions && (
        <div className="mt-3 flex flex-wrap gap-2" data-testid="diagnosis-actions">
          {actions}
        </div>
      )}
      <div className="mt-3 text-xs text-slate-500" data-testid="diagnosis-code">
        Code: <span className="font-mono">{d.code}</span>
      </div>
    </div>
  );
}
