"use client";
// A small SVG stacked bar chart, one bar per day: trends at a glance without a chart library.
export type TSeries<K extends string> = { key: K; label: string; color: string };

export function StackedBars<K extends string, R extends { day: string } & Record<K, number>>({
  rows,
  series,
  title,
  testId,
  ariaLabel,
  extra,
}: {
  rows: R[];
  series: readonly TSeries<K>[];
  title: string;
  testId?: string;
  ariaLabel: string;
  extra?: React.ReactNode;
}) {
  const total = (r: R) => series.reduce((n, s) => n + r[s.key], 0);
  const max = Math.max(1, ...rows.map(total));
  const W = 28;
  const H = 120;
  const step = Math.max(1, Math.ceil(rows.length / 10));
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid={testId}>
      <figcaption className="mb-2 flex flex-wrap items-center gap-3 text-xs text-slate-600">
        <span className="font-medium text-slate-900">{title}</span>
        {series.map((s) => (
          <span key={s.key} className="flex items-center gap-1">
            <span className="inline-block h-2 w-2 rounded-sm" style={{ background: s.color }} /> {s.label}
          </span>
        ))}
        {extra}
      </figcaption>
      <svg viewBox={`0 0 ${rows.length * W} ${H + 16}`} className="h-36 w-full" role="img" aria-label={ariaLabel}>
        {rows.map((r, i) => {
          let y = H;
          return (
            <g key={r.day} data-day={r.day} data-total={total(r)}>
              <title>{`${r.day}: ${series.map((s) => `${r[s.key]} ${s.label.toLowerCase()}`).join(", ")}`}</title>
              <rect x={i * W + 3} y={0} width={W - 6} height={H} fill="transparent" />
              {series.map((s) => {
                const h = (r[s.key] / max) * (H - 4);
                y -= h;
                return h > 0 ? <rect key={s.key} x={i * W + 3} y={y} width={W - 6} height={h} fill={s.color} rx={1} /> : null;
              })}
              {(rows.length - 1 - i) % step === 0 && (
                <text x={i * W + W / 2} y={H + 12} textAnchor="middle" fontSize={8} fill="#64748b">
                  {r.day.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
