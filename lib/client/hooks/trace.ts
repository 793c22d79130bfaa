// A mailbox's trace: the switch and the kept transcripts (lib/trace), and turning it on or off.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TMailboxTraces } from "@/lib/trace/mailbox-trace";
import { apiFetch } from "../api-client";
import { mailboxKeys } from "../query-keys";

export type { TMailboxTraces };
export type TMailboxTrace = TMailboxTraces["traces"][number];

const path = (tenantId: string, mailboxId: string) => `/api/tenants/${tenantId}/mailboxes/${mailboxId}/trace`;

export const useMailboxTrace = (tenantId: string, mailboxId: string) =>
  useQuery({
    queryKey: mailboxKeys.trace(tenantId, mailboxId),
    queryFn: () => apiFetch<TMailboxTraces>(path(tenantId, mailboxId)),
    // While the switch is on, a worker's sync or send may add a transcript at any time.
    refetchInterval: (q) => (q.state.data?.until ? 5_000 : false),
  });

export function useSetMailboxTrace(tenantId: string, mailboxId: string, onError: (e: Error) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (on: boolean) => apiFetch<{ until: string | null }>(path(tenantId, mailboxId), { method: "PUT", body: { on } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: mailboxKeys.trace(tenantId, mailboxId) }),
    onError,
  });
}
