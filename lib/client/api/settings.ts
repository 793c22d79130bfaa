// Workspace settings writes, and first-run setup.
import { apiFetch } from "../api-client";
import type { TAlerts, TDiagnosisView, TNotifierBox, TStorage } from "../wire-types";

export const settingsApi = {
  setNotifier: (mailboxId: string | null) =>
    apiFetch<{ notifier: TNotifierBox | null }>("/api/settings/notifier", { method: "PUT", body: { mailboxId } }),
  testNotifier: (to: string) =>
    apiFetch<{ result: { ok: boolean; diagnosis?: TDiagnosisView } }>("/api/settings/notifier/test", { method: "POST", body: { to } }),
  setAlerts: (body: { recipients: string[]; kinds: string[] }) =>
    apiFetch<{ alerts: TAlerts }>("/api/settings/alerts", { method: "PUT", body }),
  setRetention: (messageRetentionDays: number | null) =>
    apiFetch<{ storage: TStorage }>("/api/settings/retention", { method: "PUT", body: { messageRetentionDays } }),
  setup: (body: unknown) => apiFetch("/api/setup", { method: "POST", body }),
};
