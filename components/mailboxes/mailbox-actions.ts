// The mailbox page's actions that more than one card offers (the diagnosis box repeats Connect,
// Send link, Test again and Retry now). One small hook each, so a change to one (e.g. checking the
// Connect URL before following it) lands in one place.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api-client";
import { mailboxKeys } from "@/lib/client/query-keys";
import type { TConnectionTest, TDiagnosisView } from "@/lib/client/wire-types";
import { toast } from "@/components/ui/toaster";

export type TConsentLink = { url: string; expiresAt: string };

// Connect / Re-connect: the server returns Microsoft's sign-in URL and the browser follows it.
export function useConnectMailbox(tenantId: string, mailboxId: string) {
  return useMutation({
    mutationFn: () => apiFetch<{ url: string }>(`/api/tenants/${tenantId}/mailboxes/${mailboxId}/connect`, { method: "POST" }),
    onSuccess: (r) => window.location.assign(r.url),
    onError: (e: Error) => toast(e.message, "error"),
  });
}

export function useSendConsentLink(tenantId: string, mailboxId: string, setLink: (l: TConsentLink) => void) {
  return useMutation({
    mutationFn: () => apiFetch<{ link: { url: string; expiresAt: string } }>(`/api/tenants/${tenantId}/mailboxes/${mailboxId}/consent-links`, { method: "POST", body: {} }),
    onSuccess: (r) => setLink(r.link),
    onError: (e: Error) => toast(e.message, "error"),
  });
}

export function useRefreshToken(tenantId: string, mailboxId: string) {
  const qc = useQueryClient();
  const [refreshResult, setRefreshResult] = useState<{ ok: boolean; diagnosis?: TDiagnosisView } | null>(null);
  const refreshNow = useMutation({
    mutationFn: () => apiFetch<{ ok: boolean; diagnosis?: TDiagnosisView }>(`/api/tenants/${tenantId}/mailboxes/${mailboxId}/refresh`, { method: "POST" }),
    onSuccess: async (r) => {
      setRefreshResult(r);
      if (r.ok) toast("Token refreshed.");
      await qc.invalidateQueries({ queryKey: mailboxKeys.detail(tenantId, mailboxId) });
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  return { refreshNow, refreshResult };
}

export function useTestConnection(tenantId: string, mailboxId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<{ result: TConnectionTest }>(`/api/tenants/${tenantId}/mailboxes/${mailboxId}/test`, { method: "POST" }),
    onSuccess: async (r) => {
      toast(r.result.ok ? "Connection test passed." : "Connection test failed.", r.result.ok ? "success" : "error");
      await qc.invalidateQueries({ queryKey: mailboxKeys.detail(tenantId, mailboxId) });
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
}

export type TConnectMutation = ReturnType<typeof useConnectMailbox>;
export type TSendLinkMutation = ReturnType<typeof useSendConsentLink>;
export type TRefreshMutation = ReturnType<typeof useRefreshToken>["refreshNow"];
export type TTestMutation = ReturnType<typeof useTestConnection>;
