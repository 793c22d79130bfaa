// One answer to "does this app's secret work?", for the badge, the banner and the overview count:
// Microsoft's last verdict (Verify app, or a refresh that failed on the secret) outranks the expiry
// date typed in at rotation, so a secret Microsoft rejected is never shown green. Pure: the server
// and the browser import it alike.
import { secretExpiryStatus } from "../microsoft/secret-expiry";
import { describe } from "../diagnostics/describe";

/** Verify codes that mean Microsoft refused the secret itself. */
export const SECRET_REJECTED_CODES = ["secret_invalid", "secret_expired", "secret_missing"] as const;

export const isSecretRejected = (code: string | null | undefined) => !!code && (SECRET_REJECTED_CODES as readonly string[]).includes(code);

export type TSecretHealth = {
  level: "ok" | "notice" | "warning" | "critical" | "expired" | "rejected" | "none";
  tone: "green" | "amber" | "red";
  label: string;
  /** Why, in plain words, when Microsoft rejected it. */
  reason: string | null;
};

export function secretHealth(
  app: { activeSecret: { last4: string; expiresAt: string | Date } | null; lastVerifyCode: string | null },
  now = new Date(),
): TSecretHealth {
  if (!app.activeSecret) return { level: "none", tone: "red", label: "No secret", reason: null };
  const last4 = `…${app.activeSecret.last4}`;
  if (isSecretRejected(app.lastVerifyCode)) {
    const reason = describe(app.lastVerifyCode)!.title;
    return { level: "rejected", tone: "red", label: `${last4} · rejected by Microsoft`, reason };
  }
  const s = secretExpiryStatus(new Date(app.activeSecret.expiresAt), now);
  if (s.level === "expired") return { level: "expired", tone: "red", label: `${last4} · expired`, reason: null };
  return {
    level: s.level,
    tone: s.level === "ok" ? "green" : s.level === "notice" ? "amber" : "red",
    label: `${last4} · ${s.daysLeft} d left`,
    reason: null,
  };
}
