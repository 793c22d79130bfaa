"use client";
// Who the mailbox is authorized as, its scopes and token ages, and Refresh token now.
import type { TDiagnosisView, TMailbox } from "@/lib/client/wire-types";
import { ago, until } from "@/lib/client/format";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { DiagnosisBox } from "@/components/diagnosis-box";
import type { TRefreshMutation } from "./mailbox-actions";
import { tokenStatus } from "@/lib/client/mailbox-status";
import { describe } from "@/lib/diagnostics/describe";

type TProps = {
  m: TMailbox;
  /** When Consentry next asks Microsoft for a token (TMailboxDetail.nextRefreshAt). */
  nextRefreshAt?: string | null;
  canConnect: boolean;
  refreshNow: TRefreshMutation;
  refreshResult: { ok: boolean; diagnosis?: TDiagnosisView } | null;
};

export function TokenCard({ m, nextRefreshAt, canConnect, refreshNow, refreshResult }: TProps) {
  const g = m.grant;
  return (
    <Card
      title="Token"
      actions={
        canConnect &&
        g && (
          <Button variant="secondary" isBusy={refreshNow.isPending} onClick={() => refreshNow.mutate()}>
            Refresh token now
          </Button>
        )
      }
    >
      {refreshResult?.ok && (
        <p className="mb-3 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800" data-testid="refresh-ok">
          Microsoft issued a fresh token.
        </p>
      )}
      {refreshResult && !refreshResult.ok && refreshResult.diagnosis && <DiagnosisBox d={refreshResult.diagnosis} />}
      {g ? (
        <dl className="grid grid-cols-[auto,1fr] gap-x-6 gap-y-2 text-sm" data-testid="token-panel">
          <dt className="text-slate-500">Authorized as</dt>
          <dd className="font-medium">{g.upn}</dd>
          <dt className="text-slate-500">Scopes</dt>
          <dd className="flex flex-wrap gap-1">
            {g.scopes.map((s) => (
              <Badge key={s}>{s.replace(/^https:\/\/[^/]+\//, "")}</Badge>
            ))}
          </dd>
          <dt className="text-slate-500">Access token</dt>
          <dd data-testid="token-status" data-tone={tokenStatus(m).tone}>
            {tokenStatus(m).text}
          </dd>
          <dt className="text-slate-500">Last refresh</dt>
          <dd>{ago(g.lastRefreshAt)}</dd>
          {nextRefreshAt && (
            <>
              <dt className="text-slate-500">Next refresh</dt>
              <dd data-testid="next-refresh">
                {new Date(nextRefreshAt).getTime() - Date.now() < 60_000 ? "at the next use" : `in ${until(nextRefreshAt)}`}{" "}
                <span className="text-xs text-slate-500">
                  (a revoked sign-in or a new policy shows then: Microsoft keeps issued tokens valid until they expire)
                </span>
              </dd>
            </>
          )}
          <dt className="text-slate-500">Refresh token age</dt>
          <dd>
            {g.refreshTokenAgeDays} days{" "}
            <span className="text-xs text-slate-500">(Microsoft expires it after 90 days unused; Consentry refreshes weekly)</span>
          </dd>
          {g.refreshFailures > 0 && (
            <>
              <dt className="text-slate-500">Refresh failures</dt>
              <dd>
                <Badge tone="red">
                  {g.refreshFailures} · {describe(g.lastErrorCode)?.title ?? "unknown error"}
                </Badge>
              </dd>
            </>
          )}
        </dl>
      ) : (
        <p className="text-sm text-slate-500">Not connected yet.</p>
      )}
    </Card>
  );
}
