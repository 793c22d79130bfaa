// The diagnosis catalog as a searchable reference: every failure Consentry recognizes,
// its cause and the exact fix.
import { requirePageScope } from "@/lib/auth/session";
import { CATALOG } from "@/lib/diagnostics/catalog";
import { describe } from "@/lib/diagnostics/describe";
import { countCurrentDiagnoses } from "@/lib/diagnostics/current-diagnoses";
import { DiagnosticsClient } from "./diagnostics-client";

export const metadata = { title: "Diagnostics" };

export default async function DiagnosticsPage() {
  const scope = await requirePageScope();
  // How many of the caller's mailboxes have each diagnosis right now.
  const counts = await countCurrentDiagnoses(scope);
  const entries = CATALOG.map(({ code }) => describe(code)).map((d) => ({
    code: d.code,
    title: d.title,
    cause: d.cause,
    fixSteps: d.fixSteps,
    retryable: d.retryable,
    docsUrl: d.docsUrl,
    current: counts.get(d.code) ?? 0,
  }));
  return <DiagnosticsClient entries={entries} />;
}
