"use client";
// Danger zone: remove the mailbox from Consentry (typed confirmation); nothing changes in Microsoft 365.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { mailboxKeys, tenantKeys } from "@/lib/client/query-keys";
import type { TMailbox } from "@/lib/client/wire-types";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toaster";
import { mailboxApi } from "@/lib/client/api/mailboxes";

export function RemoveMailboxCard({ m, tenantId, mailboxId }: { m: TMailbox; tenantId: string; mailboxId: string }) {
  const router = useRouter();
  const qc = useQueryClient();
  const [deleting, setDeleting] = useState(false);
  const del = useMutation({
    mutationFn: () => mailboxApi.remove(tenantId, mailboxId),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: mailboxKeys.all });
      await qc.invalidateQueries({ queryKey: tenantKeys.all });
      toast("Mailbox removed.");
      router.push(`/tenants/${tenantId}`);
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  return (
    <>
      <Card title="Danger zone">
        <Button variant="danger" onClick={() => setDeleting(true)}>
          Remove mailbox
        </Button>
      </Card>
      <ConfirmDialog
        open={deleting}
        title={`Remove ${m.address}?`}
        body="Its token set and stored mail are deleted from Consentry. Nothing changes in Microsoft 365."
        confirmText={m.address}
        confirmLabel="Remove"
        isBusy={del.isPending}
        onConfirm={() => del.mutate()}
        onClose={() => setDeleting(false)}
      />
    </>
  );
}
