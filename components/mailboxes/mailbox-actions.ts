// The mailbox page's actions that more than one card offers (the diagnosis box repeats Connect,
// Send link, Test again and Retry now). One small hook each, so a change to one (e.g. checking the
// Connect URL before following it) lands in one place.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { mailboxKeys } from "@/lib/client/query-keys";
import type { TDiagnosisView } from "@/lib/client/wire-types";
import { toast } from "@/components/ui/toaster";
import { mailboxApi } from "@/lib/client/api/mailboxes";
import { isNavigableSignInUrl } from "@/lib/microsoft/trusted-endpoint";

export type TConsentLink = { id: string; url: string; expiresAt: string };

// Connect / Re-connect: the server returns Microsoft's sign-in URL and the browser follows it.
export function useConnectMailbox(tenantId: string, mailboxId: string) {
  return useMutation({
    mutationFn: () => mailboxApi.connect(tenantId, mailboxId),
    // Follow only an https Microsoft (or loopback sandbox) sign-in URL, whatever the server says.
    onSuccess: (r) =>
      isNavigableSignInUrl(r.url)
        ? window.location.assign(r.url)
        : toast("Consentry refused to open a sign-in address that isn't Microsoft's. Check the app's authority override.", "error"),
    onError: (e: Error) => toast(e.message, "error"),
  });
}

export function useSendConsentLink(tenantId: string, mailboxId: string, setLink: (l: TConsentLink) => void) {
  return useMutation({
    mutationFn: () => mailboxApi.createConsentLink(tenantId, mailboxId),
    onSuccess: (r) => setLink(r.link),
    onError: (e: Error) => toast(e.message, "error"),
  });
}

export function useRefreshToken(tenantId: string, mailboxId: string) {
  const qc = useQueryClient();
  const [refreshResult, setRefreshResult] = useState<{ ok: boolean; diagnosis?: TDiagnosisView } | null>(null);
  const refreshNow = useMutation({
    mutationFn: () => mailboxApi.refresh(tenantId, mailboxId),
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
    mutationFn: () => mailboxApi.test(tenantId, mailboxId),
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
