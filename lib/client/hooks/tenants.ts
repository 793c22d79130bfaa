// Tenants the caller may see, one tenant, and its status links.
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "../api-client";
import { tenantKeys } from "../query-keys";
import type { TStatusLink, TTenant } from "../wire-types";
import type { TQueryOpts } from "./query-options";

export const useTenants = (opts?: TQueryOpts<{ tenants: TTenant[] }>) =>
  useQuery({ queryKey: tenantKeys.list(), queryFn: () => apiFetch<{ tenants: TTenant[] }>("/api/tenants"), ...opts });

export const useTenant = (tenantId: string, opts?: TQueryOpts<{ tenant: TTenant }>) =>
  useQuery({ queryKey: tenantKeys.detail(tenantId), queryFn: () => apiFetch<{ tenant: TTenant }>(`/api/tenants/${tenantId}`), ...opts });

export const useStatusLinks = (tenantId: string, opts?: TQueryOpts<{ links: TStatusLink[] }>) =>
  useQuery({
    queryKey: tenantKeys.statusLinks(tenantId),
    queryFn: () => apiFetch<{ links: TStatusLink[] }>(`/api/tenants/${tenantId}/status-links`),
    ...opts,
  });
