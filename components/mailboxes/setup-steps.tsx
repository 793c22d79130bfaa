// The shared-mailbox wizard's progress: which step is done, which is current.
const LABELS = ["Shared address", "Delegate", "Permissions", "Delegate signs in", "Live checks", "Done"];

export function SetupSteps({ current }: { current: number }) {
  return (
    <ol className="mb-4 flex flex-wrap gap-2 text-xs" aria-label="Setup steps">
      {LABELS.map((l, i) => (
        <li
          key={l}
          aria-current={i === current ? "step" : undefined}
          data-testid={i === current ? "setup-step-current" : undefined}
          className={`rounded-full px-3 py-1 ${
            i < current ? "bg-green-100 text-green-800" : i === current ? "bg-indigo-600 text-white" : "bg-slate-100 text-slate-500"
          }`}
        >
          {i < current ? "✓ " : `${i + 1}. `}
          {l}
        </li>
      ))}
    </ol>
  );
}
