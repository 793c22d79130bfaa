"use client";
// "Revoke link" next to a consent link just created: it stops working at once, including a
// sign-in the recipient already started from it.
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { tenantApi } from "@/lib/client/api/tenants";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toaster";

export function RevokeLinkButton({ tenantId, linkId }: { tenantId: string; linkId: string }) {
  const [isRevoked, setIsRevoked] = useState(false);
  const revoke = useMutation({
    mutationFn: () => tenantApi.revokeConsentLink(tenantId, linkId),
    onSuccess: () => {
      setIsRevoked(true);
      toast("Link revoked: it stops working now.");
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  if (isRevoked)
    return (
      <p className="mt-2 text-sm font-medium text-red-700" data-testid="consent-link-revoked">
        Revoked: this link no longer works.
      </p>
    );
  return (
    <div className="mt-2">
      <Button variant="ghost" isBusy={revoke.isPending} onClick={() => revoke.mutate()}>
        Revoke link
      </Button>
    </div>
  );
}
