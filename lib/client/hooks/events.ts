// The event log (paged by cursor) and its per-day trend.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { apiFetch } from "../api-client";
import { eventKeys } from "../query-keys";
import type { TEventRow, TEventTrendDay } from "../wire-types";
import type { TQueryOpts } from "./query-options";

export const useEventTrend = (scopeFilters: Record<string, string>, opts?: TQueryOpts<{ days: TEventTrendDay[] }>) =>
  useQuery({
    queryKey: eventKeys.trend(scopeFilters),
    queryFn: () => apiFetch<{ days: TEventTrendDay[] }>(`/api/events/trend?${new URLSearchParams(scopeFilters)}`),
    ...opts,
  });

export const useEvents = (filters: Record<string, string>, opts?: { refetchInterval?: number }) =>
  useInfiniteQuery({
    queryKey: eventKeys.list(filters),
    initialPageParam: "",
    queryFn: ({ pageParam }) =>
      apiFetch<{ events: TEventRow[]; nextCursor: string | null }>(
        `/api/events?${new URLSearchParams({ ...filters, ...(pageParam ? { cursor: pageParam } : {}) })}`,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    ...opts,
  });
