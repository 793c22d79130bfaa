// REST API keys.
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "../api-client";
import { apiKeyKeys } from "../query-keys";
import type { TApiKey } from "../wire-types";
import type { TQueryOpts } from "./query-options";

export const useApiKeys = (opts?: TQueryOpts<{ apiKeys: TApiKey[] }>) =>
  useQuery({ queryKey: apiKeyKeys.list(), queryFn: () => apiFetch<{ apiKeys: TApiKey[] }>("/api/api-keys"), ...opts });
