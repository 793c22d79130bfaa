// Workspace settings: the notifier mailbox, alert recipients, message retention.
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "../api-client";
import { settingsKeys } from "../query-keys";
import type { TAlerts, TNotifierSettings, TStorage } from "../wire-types";
import type { TQueryOpts } from "./query-options";

export const useNotifier = (opts?: TQueryOpts<TNotifierSettings>) =>
  useQuery({ queryKey: settingsKeys.notifier(), queryFn: () => apiFetch<TNotifierSettings>("/api/settings/notifier"), ...opts });

export const useAlerts = (opts?: TQueryOpts<{ alerts: TAlerts }>) =>
  useQuery({ queryKey: settingsKeys.alerts(), queryFn: () => apiFetch<{ alerts: TAlerts }>("/api/settings/alerts"), ...opts });

export const useRetention = (opts?: TQueryOpts<{ storage: TStorage }>) =>
  useQuery({ queryKey: settingsKeys.retention(), queryFn: () => apiFetch<{ storage: TStorage }>("/api/settings/retention"), ...opts });
