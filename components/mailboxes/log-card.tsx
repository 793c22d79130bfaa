// The mailbox's latest events, a link to the full log, and the support bundle.
import type { TMailboxDetail } from "@/lib/client/wire-types";
import { dateTime } from "@/lib/client/format";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { SupportBundleButton } from "@/components/support/support-bundle-button";
import { describe } from "@/lib/diagnostics/describe";

/** A diagnosis code reads as its title; other event codes (sync_ok, connection_test_passed…) as they are. */
const plainCode = (code: string) => {
  const d = describe(code);
  return d.isKnown ? d.title : code;
};

export function LogCard({ tenantId, mailboxId, events }: { tenantId: string; mailboxId: string; events: TMailboxDetail["events"] }) {
  return (
    <Card
      title="Log"
      actions={
        <a href={`/events?tenantId=${tenantId}&mailboxId=${mailboxId}`} className="text-sm text-indigo-700 hover:underline">
          Full event log
        </a>
      }
    >
      {events.length === 0 ? (
        <p className="text-sm text-slate-500">No events yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm">
          {events.map((e) => (
            <li key={e.id} className="flex gap-3 py-2">
              <Badge tone={e.level === "error" ? "red" : e.level === "warn" ? "amber" : "slate"}>{e.level}</Badge>
              <div>
                <div>{e.message}</div>
                <div className="text-xs text-slate-500" title={`Code: ${e.code}`}>
                  {plainCode(e.code)} · {dateTime(e.createdAt)}
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
      <div className="mt-3 border-t border-slate-100 pt-3">
        <SupportBundleButton tenantId={tenantId} mailboxId={mailboxId} compact />
      </div>
    </Card>
  );
}
