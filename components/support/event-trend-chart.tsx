"use client";
// Events per day, stacked by level: a spike of errors stands out at a glance.
import type { TEventTrendDay } from "@/lib/queries/types";

const LEVELS = [
  { key: "error", label: "Errors", color: "#dc2626" },
  { key: "warn", label: "Warnings", color: "#f59e0b" },
  { key: "info", label: "Info", color: "#6366f1" },
  { key: "debug", label: "Debug", color: "#94a3b8" },
] as const;

export function EventTrendChart({ days }: { days: TEventTrendDay[] }) {
  const total = (d: TEventTrendDay) => d.error + d.warn + d.info + d.debug;
  const max = Math.max(1, ...days.map(total));
  const W = 28;
  const H = 120;
  const width = days.length * W;
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="event-trend">
      <figcaption className="mb-2 flex flex-wrap items-center gap-3 text-xs text-slate-600">
        <span className="font-medium text-slate-900">Events per day</span>
        {LEVELS.map((l) => (
          <span key={l.key} className="flex items-center gap-1">
            <span className="inline-block h-2 w-2 rounded-sm" style={{ background: l.color }} /> {l.label} {days.reduce((n, d) => n + d[l.key], 0)}
          </span>
        ))}
      </figcaption>
      <svg viewBox={`0 0 ${width} ${H + 16}`} className="h-36 w-full" role="img" aria-label="Events per day by level">
        {days.map((d, i) => {
          let y = H;
          return (
            <g key={d.day} data-day={d.day} data-total={total(d)}>
              <title>{`${d.day}: ${d.error} errors, ${d.warn} warnings, ${d.info} info, ${d.debug} debug`}</title>
              <rect x={i * W + 3} y={0} width={W - 6} height={H} fill="transparent" />
              {LEVELS.map((l) => {
                const h = (d[l.key] / max) * (H - 4);
                y -= h;
                return h > 0 ? <rect key={l.key} x={i * W + 3} y={y} width={W - 6} height={h} fill={l.color} rx={1} /> : null;
              })}
              {(i % 2 === days.length % 2 || days.length <= 7) && (
                <text x={i * W + W / 2} y={H + 12} textAnchor="middle" fontSize={8} fill="#64748b">{d.day.slice(5)}</text>
              )}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
