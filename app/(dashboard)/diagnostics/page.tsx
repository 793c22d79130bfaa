// The diagnosis catalog as a searchable reference: every failure Consentry recognizes,
// its cause and the exact fix.
import { requirePageScope } from "@/lib/auth/session";
import { CATALOG } from "@/lib/diagnostics/catalog";
import { countCurrentDiagnoses } from "@/lib/diagnostics/current-diagnoses";
import { DiagnosticsClient } from "./diagnostics-client";

export const metadata = { title: "Diagnostics" };

export default async function DiagnosticsPage() {
  const scope = await requirePageScope();
  // How many of the caller's mailboxes have each diagnosis right now.
  const counts = await countCurrentDiagnoses(scope);
  const entries = CATALOG.map((e) => ({ code: e.code, title: e.title, cause: e.cause, fixSteps: [...e.fixSteps], retryable: e.retryable, docsUrl: e.docsUrl, current: counts.get(e.code) ?? 0 }));
  return <DiagnosticsClient entries={entries} />;
}
