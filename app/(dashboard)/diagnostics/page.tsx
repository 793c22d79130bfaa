// The diagnosis catalog as a searchable reference: every failure Consentry recognizes,
// its cause and the exact fix.
import { requirePageScope } from "@/lib/auth/session";
import { CATALOG } from "@/lib/diagnostics/catalog";
import { DiagnosticsClient } from "./diagnostics-client";

export const metadata = { title: "Diagnostics" };

export default async function DiagnosticsPage() {
  await requirePageScope();
  const entries = CATALOG.map((e) => ({ code: e.code, title: e.title, cause: e.cause, fixSteps: [...e.fixSteps], retryable: e.retryable, docsUrl: e.docsUrl }));
  return <DiagnosticsClient entries={entries} />;
}
