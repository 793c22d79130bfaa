// Where a secret stands against the 30/14/7/1-day warning thresholds.
export const SECRET_WARNING_DAYS = [30, 14, 7, 1] as const;

export function secretExpiryStatus(
  expiresAt: Date,
  now = new Date(),
): { daysLeft: number; level: "ok" | "notice" | "warning" | "critical" | "expired"; threshold: 30 | 14 | 7 | 1 | null } {
  const ms = expiresAt.getTime() - now.getTime();
  const daysLeft = Math.ceil(ms / 86_400_000);
  if (ms <= 0) return { daysLeft: 0, level: "expired", threshold: null };
  const threshold = ([...SECRET_WARNING_DAYS].reverse().find((d) => daysLeft <= d) ?? null) as 30 | 14 | 7 | 1 | null;
  const level = threshold === null ? "ok" : threshold === 30 ? "notice" : threshold === 14 ? "warning" : "critical";
  return { daysLeft, level, threshold };
}
