"use client";
// Events per day, stacked by level: a spike of errors stands out at a glance.
import type { TEventTrendDay } from "@/lib/client/wire-types";
import { StackedBars } from "@/components/charts/stacked-bars";

const SERIES = [
  { key: "error", label: "Errors", color: "#dc2626" },
  { key: "warn", label: "Warnings", color: "#f59e0b" },
  { key: "info", label: "Info", color: "#6366f1" },
  { key: "debug", label: "Debug", color: "#94a3b8" },
] as const;

export function EventTrendChart({ days }: { days: TEventTrendDay[] }) {
  const sums = SERIES.map((s) => `${days.reduce((n, d) => n + d[s.key], 0)} ${s.label.toLowerCase()}`).join(" · ");
  return (
    <StackedBars
      rows={days}
      series={SERIES}
      title="Events per day"
      testId="event-trend"
      ariaLabel="Events per day by level"
      extra={<span className="ml-auto">{sums}</span>}
    />
  );
}
