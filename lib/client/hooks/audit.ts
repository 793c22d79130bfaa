// The audit log, paged by cursor.
import { useInfiniteQuery } from "@tanstack/react-query";
import { apiFetch } from "../api-client";
import { auditKeys } from "../query-keys";
import type { TAudit } from "../wire-types";

export const useAudit = (filters: Record<string, string>) =>
  useInfiniteQuery({
    queryKey: auditKeys.list(filters),
    initialPageParam: "",
    queryFn: ({ pageParam }) =>
      apiFetch<{ entries: TAudit[]; nextCursor: string | null }>(
        `/api/audit?${new URLSearchParams({ ...filters, ...(pageParam ? { cursor: pageParam } : {}) })}`,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
