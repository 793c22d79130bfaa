"use client";
// Outstanding consent links of a tenant (or one mailbox): who made each, when it expires, whether
// the customer opened it; Resend (a new link, the old one revoked) and Revoke. On a mailbox page,
// a new link with a chosen expiry.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { consentLinkKeys, mailboxKeys } from "@/lib/client/query-keys";
import { linkApi, type TConsentLinkRow } from "@/lib/client/api/day2";
import { ago, dateTime, until } from "@/lib/client/format";
import { DataTable } from "@/components/data-table";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { toast } from "@/components/ui/toaster";

const DAYS = [1, 3, 7, 14, 30];

export function ConsentLinksCard({ tenantId, mailboxId, canAct }: { tenantId: string; mailboxId?: string; canAct: boolean }) {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: consentLinkKeys.list(tenantId, mailboxId), queryFn: () => linkApi.list(tenantId, mailboxId) });
  const [days, setDays] = useState(7);
  const [fresh, setFresh] = useState<{ url: string; expiresAt: string } | null>(null);
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: consentLinkKeys.all });
    if (mailboxId) await qc.invalidateQueries({ queryKey: mailboxKeys.detail(tenantId, mailboxId) });
  };
  const create = useMutation({
    mutationFn: () => linkApi.createForMailbox(tenantId, mailboxId!, days),
    onSuccess: async (r) => {
      setFresh(r.link);
      await refresh();
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const resend = useMutation({
    mutationFn: (l: TConsentLinkRow) => linkApi.resend(tenantId, l.id, { days }),
    onSuccess: async (r) => {
      setFresh(r.link);
      toast("New link made; the old one no longer works.");
      await refresh();
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const revoke = useMutation({
    mutationFn: (l: TConsentLinkRow) => linkApi.revoke(tenantId, l.id),
    onSuccess: async () => {
      toast("Link revoked: it stops working now.");
      await refresh();
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const rows = q.data?.links ?? [];
  return (
    <Card title="Consent links">
      <div className="space-y-3 text-sm" data-testid="consent-links">
        {canAct && (
          <div className="flex flex-wrap items-end gap-2">
            <label className="text-sm text-slate-700">
              Links expire after{" "}
              <select
                aria-label="Link expiry"
                value={days}
                onChange={(e) => setDays(Number(e.target.value))}
                className="rounded-md border border-slate-300 px-2 py-1 text-sm"
              >
                {DAYS.map((d) => (
                  <option key={d} value={d}>
                    {d} day{d === 1 ? "" : "s"}
                  </option>
                ))}
              </select>
            </label>
            {mailboxId && (
              <Button variant="secondary" isBusy={create.isPending} onClick={() => create.mutate()}>
                New consent link
              </Button>
            )}
          </div>
        )}
        {fresh && (
          <div className="rounded-md bg-indigo-50 p-3 text-indigo-900" data-testid="fresh-link">
            <p className="break-all font-mono text-xs">{fresh.url}</p>
            <div className="mt-2 flex items-center gap-2">
              <CopyButton value={fresh.url} label="Copy link" />
              <span className="text-xs">Works until {dateTime(fresh.expiresAt)}.</span>
            </div>
          </div>
        )}
        {q.isLoading ? (
          <p className="text-slate-500">Loading…</p>
        ) : (
          <DataTable
            testId="consent-link-table"
            rows={rows}
            rowKey={(l) => l.id}
            filterText={
              mailboxId ? undefined : (l) => `${l.mailboxAddress ?? ""} ${l.signInAs ?? ""} ${l.createdBy ?? ""} ${l.app.displayName}`
            }
            filterPlaceholder="Filter by mailbox, person or app"
            initialSort={{ key: "expires", dir: "asc" }}
            empty={
              mailboxId
                ? "No outstanding link. Make one above, or Connect from this page."
                : "No outstanding consent links. Send one from a mailbox, or request organization consent above."
            }
            columns={[
              {
                key: "for",
                header: "For",
                cell: (l) =>
                  l.kind === "admin" ? (
                    `Organization consent · ${l.app.displayName}`
                  ) : (
                    <span>
                      {l.mailboxAddress}
                      {l.signInAs && l.signInAs !== l.mailboxAddress ? ` (signs in as ${l.signInAs})` : ""}
                    </span>
                  ),
                sortValue: (l) => l.mailboxAddress ?? "",
              },
              { key: "by", header: "Made by", cell: (l) => l.createdBy ?? "—", sortValue: (l) => l.createdBy ?? "" },
              { key: "created", header: "Made", cell: (l) => ago(l.createdAt), sortValue: (l) => l.createdAt },
              { key: "expires", header: "Expires", cell: (l) => until(l.expiresAt), sortValue: (l) => l.expiresAt },
              {
                key: "visits",
                header: "Opened",
                cell: (l) => (l.visits ? `${l.visits}× (last ${ago(l.lastVisitAt)})` : "not yet"),
                sortValue: (l) => l.visits,
              },
              ...(canAct
                ? [
                    {
                      key: "actions",
                      header: "",
                      cell: (l: TConsentLinkRow) => (
                        <span className="flex gap-1">
                          <Button
                            variant="ghost"
                            onClick={() => resend.mutate(l)}
                            isBusy={resend.isPending && resend.variables?.id === l.id}
                          >
                            Resend
                          </Button>
                          <Button
                            variant="ghost"
                            onClick={() => revoke.mutate(l)}
                            isBusy={revoke.isPending && revoke.variables?.id === l.id}
                          >
                            Revoke
                          </Button>
                        </span>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </div>
    </Card>
  );
}
