"use client";
// Mailbox health over the last 30 days: how many ended each day connected, needing attention or
// needing re-consent, with breakages and recoveries counted.
import { StackedBars } from "@/components/charts/stacked-bars";
import { useMailboxTrend } from "@/lib/client/hooks/mailboxes";

const SERIES = [
  { key: "needsReconsent", label: "Needs re-consent", color: "#dc2626" },
  { key: "attention", label: "Degraded or failing", color: "#f59e0b" },
  { key: "pending", label: "Pending consent", color: "#94a3b8" },
  { key: "connected", label: "Connected", color: "#10b981" },
] as const;

export function HealthTrendChart() {
  const q = useMailboxTrend({ refetchInterval: 60_000 });
  if (!q.data) return null;
  const broke = q.data.days.reduce((n, d) => n + d.broke, 0);
  const recovered = q.data.days.reduce((n, d) => n + d.recovered, 0);
  return (
    <StackedBars
      rows={q.data.days}
      series={SERIES}
      title="Mailbox health, last 30 days"
      testId="health-trend"
      ariaLabel="Mailboxes per state at the end of each day"
      extra={
        <span className="ml-auto" data-testid="health-trend-summary">
          {broke} broke · {recovered} recovered
        </span>
      }
    />
  );
}
