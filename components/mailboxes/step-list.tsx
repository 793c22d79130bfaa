// One connection test's steps (token, receive, send), each with its diagnosis when it failed.
import type { TTestStep } from "@/lib/client/wire-types";
import { Badge } from "@/components/ui/badge";
import { DiagnosisBox } from "@/components/diagnosis-box";

const STEP_LABEL = { token: "Token", inbound: "Receive", outbound: "Send" } as const;

export function StepList({ steps }: { steps: TTestStep[] }) {
  return (
    <ul className="space-y-2 text-sm">
      {steps.map((s, i) => (
        <li key={i} data-testid={`test-step-${s.protocol}-${s.ok ? "ok" : "failed"}`}>
          <div className="flex items-center gap-2">
            <Badge tone={s.ok ? "green" : "red"}>{s.ok ? "pass" : "fail"}</Badge>
            <span className="font-medium">
              {STEP_LABEL[s.step]} · {s.protocol.toUpperCase()}
            </span>
            <span className="text-xs text-slate-500">{s.ms} ms</span>
          </div>
          <p className="ml-1 mt-1 text-slate-600">{s.detail}</p>
          {s.diagnosis && <DiagnosisBox d={s.diagnosis} />}
          {!!s.diagnosis?.evidence?.facts?.length && (
            <div className="mt-2 rounded-md bg-slate-50 p-3 text-xs text-slate-700" data-testid="diagnosis-evidence">
              <div className="font-medium text-slate-900">What Consentry checked</div>
              <ul className="mt-1 list-disc space-y-0.5 pl-4">
                {s.diagnosis.evidence.facts.map((f) => (
                  <li key={f}>{f}</li>
                ))}
              </ul>
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
