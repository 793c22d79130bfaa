// Webhook writes: create (the secret is shown once), test, enable/disable, delete, redeliver.
import { apiFetch } from "../api-client";
import type { TWebhook } from "../wire-types";

export const webhookApi = {
  create: (body: unknown) => apiFetch<{ secret: string; webhook: TWebhook }>("/api/webhooks", { method: "POST", body }),
  test: (id: string) => apiFetch(`/api/webhooks/${id}/test`, { method: "POST" }),
  setEnabled: (id: string, isEnabled: boolean) => apiFetch(`/api/webhooks/${id}`, { method: "PATCH", body: { isEnabled } }),
  remove: (id: string) => apiFetch(`/api/webhooks/${id}`, { method: "DELETE" }),
  rotateSecret: (id: string, graceHours: number) =>
    apiFetch<{ secret: string; previousSecretValidUntil: string | null }>(`/api/webhooks/${id}/rotate-secret`, {
      method: "POST",
      body: { graceHours },
    }),
  redeliver: (id: string, deliveryId: string | undefined) => apiFetch(`/api/webhooks/${id}/deliveries/${deliveryId}`, { method: "POST" }),
};
