"use client";
// The page header (address, kind, state) and the banner after a successful Connect.
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import type { TMailbox } from "@/lib/client/wire-types";
import { StatusBadge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/card";
import { connectedBanner } from "@/lib/client/mailbox-status";

export function MailboxHeader({ m, tenantId, tenantName }: { m: TMailbox; tenantId: string; tenantName: string }) {
  const params = useSearchParams();
  const banner = connectedBanner(m, !!params.get("connected"));
  return (
    <>
      <PageHeader
        title={m.address}
        subtitle={m.kind === "shared" ? `Shared mailbox · delegate ${m.delegateUpn}` : "User mailbox"}
        actions={
          <>
            <span data-testid="mailbox-state">
              <StatusBadge state={m.state} />
            </span>
            <Link className="text-sm text-slate-600 hover:underline" href={`/tenants/${tenantId}`}>
              {tenantName}
            </Link>
          </>
        }
      />
      {banner && (
        <p
          className={`rounded-md px-4 py-3 text-sm ${banner.tone === "green" ? "bg-emerald-50 text-emerald-800" : "bg-amber-50 text-amber-900"}`}
          data-testid="connected-banner"
          data-tone={banner.tone}
        >
          {banner.text}
        </p>
      )}
    </>
  );
}
