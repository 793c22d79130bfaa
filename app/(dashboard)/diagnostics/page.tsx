// The diagnosis catalog as a searchable reference: every failure Consentry recognizes,
// its cause and the exact fix.
import { requirePageScope } from "@/lib/auth/session";
import { CATALOG } from "@/lib/diagnostics/catalog";
import { db } from "@/lib/db/client";
import { tenantIdIn } from "@/lib/core/scope";
import { DiagnosticsClient } from "./diagnostics-client";

export const metadata = { title: "Diagnostics" };

export default async function DiagnosticsPage() {
  const scope = await requirePageScope();
  // How many of the caller's mailboxes have each diagnosis right now: the catalog doubles as a
  // "what is broken where" index.
  const now = await db().mailbox.groupBy({ by: ["stateCode"], where: { workspaceId: scope.workspaceId, tenantId: tenantIdIn(scope), stateCode: { not: null } }, _count: { _all: true } });
  const counts = new Map(now.map((r) => [r.stateCode, r._count._all]));
  const entries = CATALOG.map((e) => ({ code: e.code, title: e.title, cause: e.cause, fixSteps: [...e.fixSteps], retryable: e.retryable, docsUrl: e.docsUrl, current: counts.get(e.code) ?? 0 }));
  return <DiagnosticsClient entries={entries} />;
}
