"use client";
// The page header (address, kind, state) and the banner after a successful Connect.
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import type { TMailbox } from "@/lib/client/wire-types";
import { StatusBadge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/card";

export function MailboxHeader({ m, tenantId, tenantName }: { m: TMailbox; tenantId: string; tenantName: string }) {
  const params = useSearchParams();
  const g = m.grant;
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
      {params.get("connected") && g && m.state !== "needs_reconsent" && (
        <p className="rounded-md bg-emerald-50 px-4 py-3 text-sm text-emerald-800" data-testid="connected-banner">
          Connected as {g?.upn}. The first sync starts now.
        </p>
      )}
    </>
  );
}
