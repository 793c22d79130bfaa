"use client";
// Consent links for every mailbox that needs one in some tenants: emailed through the notifier
// mailbox (queued, sent by the workers), or downloaded as CSV to send another way.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { consentLinkKeys } from "@/lib/client/query-keys";
import { onboardingApi, type TBulkLink } from "@/lib/client/api/day2";
import { csvRecord } from "@/lib/onboarding/csv";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toaster";

function download(links: TBulkLink[]) {
  const text = [
    csvRecord(["tenant", "mailbox", "sign_in_as", "consent_link", "expires"]),
    ...links.map((l) => csvRecord([l.tenant, l.address, l.signInAs, l.url, l.expiresAt])),
  ].join("\r\n");
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text + "\r\n"], { type: "text/csv" }));
  a.download = "consent-links.csv";
  a.click();
  URL.revokeObjectURL(a.href);
}

export function BulkConsentLinks({ tenantIds }: { tenantIds: string[] }) {
  const qc = useQueryClient();
  const [days, setDays] = useState(7);
  const [result, setResult] = useState<{ links: TBulkLink[]; sent: boolean } | null>(null);
  const make = useMutation({
    mutationFn: (send: boolean) => onboardingApi.consentLinks(tenantIds, days, send),
    onSuccess: async (r, send) => {
      setResult({ links: r.links, sent: send });
      if (!send && r.links.length) download(r.links);
      toast(
        r.links.length === 0
          ? "No mailbox needs consent."
          : send
            ? `${r.links.length} consent link(s) queued for sending from the notifier mailbox.`
            : `${r.links.length} consent link(s) made and downloaded.`,
      );
      await qc.invalidateQueries({ queryKey: consentLinkKeys.all });
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  return (
    <div className="space-y-3 text-sm text-slate-700" data-testid="bulk-consent">
      <p>
        Makes a new consent link for every mailbox waiting for consent or needing re-consent (older links stop working), for the person who
        signs in: the user, or a shared mailbox&apos;s delegate.
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <label>
          Expire after{" "}
          <select
            aria-label="Bulk link expiry"
            value={days}
            onChange={(e) => setDays(Number(e.target.value))}
            className="rounded-md border border-slate-300 px-2 py-1"
          >
            {[1, 3, 7, 14, 30].map((d) => (
              <option key={d} value={d}>
                {d} day{d === 1 ? "" : "s"}
              </option>
            ))}
          </select>
        </label>
        <Button isBusy={make.isPending && make.variables === true} disabled={make.isPending} onClick={() => make.mutate(true)}>
          Email the links
        </Button>
        <Button
          variant="secondary"
          isBusy={make.isPending && make.variables === false}
          disabled={make.isPending}
          onClick={() => make.mutate(false)}
        >
          Download as CSV
        </Button>
      </div>
      {make.isPending && <p className="text-slate-500">Making links… this takes a moment for many mailboxes.</p>}
      {result && (
        <div data-testid="bulk-consent-result">
          <p className="font-medium">
            {result.links.length} link{result.links.length === 1 ? "" : "s"} {result.sent ? "queued for email" : "made"}.
          </p>
          {!result.sent && result.links.length > 0 && (
            <Button variant="ghost" onClick={() => download(result.links)}>
              Download again
            </Button>
          )}
        </div>
      )}
    </div>
  );
}
