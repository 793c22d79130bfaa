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
        </li>
      ))}
    </ul>
  );
}
