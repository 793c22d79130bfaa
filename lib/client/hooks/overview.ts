// The dashboard's counts.
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "../api-client";
import { overviewKeys } from "../query-keys";
import type { TOverview } from "../wire-types";
import type { TQueryOpts } from "./query-options";

export const useOverview = (opts?: TQueryOpts<TOverview>) =>
  useQuery({ queryKey: overviewKeys.all, queryFn: () => apiFetch<TOverview>("/api/overview"), ...opts });
