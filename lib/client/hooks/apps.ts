// App registrations: a tenant's list, and one app.
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "../api-client";
import { appKeys } from "../query-keys";
import type { TApp } from "../wire-types";
import type { TQueryOpts } from "./query-options";

export const useApps = (tenantId: string, opts?: TQueryOpts<{ apps: TApp[] }>) =>
  useQuery({ queryKey: appKeys.list(tenantId), queryFn: () => apiFetch<{ apps: TApp[] }>(`/api/apps?tenantId=${tenantId}`), ...opts });

export const useApp = (appId: string, opts?: TQueryOpts<{ app: TApp }>) =>
  useQuery({ queryKey: appKeys.detail(appId), queryFn: () => apiFetch<{ app: TApp }>(`/api/apps/${appId}`), ...opts });
