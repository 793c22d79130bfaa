"use client";
import { useCallback } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { PageHeader } from "@/components/ui/card";
import { SupportBundleButton } from "@/components/support/support-bundle-button";
import { HealthTrendChart } from "@/components/health/health-trend-chart";
import { TestAll } from "@/components/health/test-all";
import { HealthList, viewFromParams, viewToParams, type THealthView } from "@/components/health/health-list";
import { useMailboxPage } from "@/lib/client/hooks/mailboxes";
import { useTenants } from "@/lib/client/hooks/tenants";
import { HealthMatrix } from "@/components/health/health-matrix";

const TESTABLE = ["connected", "degraded", "failing"];

export function HealthClient({ canTest }: { canTest: boolean }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  // The view lives in the URL: a link (or reload) shows the same page of the same filter.
  const view = viewFromParams(new URLSearchParams(params.toString()));
  const search = viewToParams(view);
  const setView = useCallback(
    (change: Partial<THealthView>) => {
      const next = viewToParams({ ...viewFromParams(new URLSearchParams(window.location.search)), ...change });
      router.replace(next ? `${pathname}?${next}` : pathname, { scroll: false });
    },
    [router, pathname],
  );
  const q = useMailboxPage(search, { refetchInterval: 15_000 });
  const tenants = useTenants();
  const rows = q.data?.items ?? [];
  const testable = rows.filter((m) => m.grant && TESTABLE.includes(m.state));
  return (
    <div>
      <PageHeader
        title="Health"
        subtitle="Every mailbox across your tenants, failing ones first, with its last connection test."
        actions={
          <div className="flex flex-col items-end gap-2">
            {canTest && <TestAll targets={testable} />}
            <SupportBundleButton compact />
          </div>
        }
      />
      <div className="mb-6">
        <HealthTrendChart />
      </div>
      {q.data && (
        <section className="mb-8">
          <h2 className="mb-2 text-sm font-semibold text-slate-900">Checks at a glance</h2>
          <p className="mb-2 text-xs text-slate-500">The mailboxes of the list&apos;s current page.</p>
          <HealthMatrix rows={rows} />
        </section>
      )}
      {q.isError && !q.data ? (
        <p className="text-sm text-red-700">Couldn&apos;t load the mailboxes: {q.error.message}</p>
      ) : !q.data ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : (
        <HealthList view={view} setView={setView} data={q.data} isFetching={q.isFetching} tenants={tenants.data?.tenants ?? []} />
      )}
    </div>
  );
}
