// Webhooks and one webhook's deliveries.
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "../api-client";
import { webhookKeys } from "../query-keys";
import type { TWebhook, TWebhookDelivery } from "../wire-types";
import type { TQueryOpts } from "./query-options";

export const useWebhooks = (opts?: TQueryOpts<{ webhooks: TWebhook[] }>) =>
  useQuery({ queryKey: webhookKeys.list(), queryFn: () => apiFetch<{ webhooks: TWebhook[] }>("/api/webhooks"), ...opts });

export const useWebhookDeliveries = (webhookId: string, opts?: TQueryOpts<{ deliveries: TWebhookDelivery[] }>) =>
  useQuery({
    queryKey: webhookKeys.deliveries(webhookId),
    queryFn: () => apiFetch<{ deliveries: TWebhookDelivery[] }>(`/api/webhooks/${webhookId}`),
    ...opts,
  });
