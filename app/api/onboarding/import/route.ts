// Bulk onboarding from CSV: "dry_run" shows what would be created and every row's problem (line,
// column, message); "create" writes it in one transaction, only when no row has a problem.
import { NextResponse } from "next/server";
import { z } from "zod";
import { route } from "@/lib/http/route";
import { auditActor } from "@/lib/audit/write-audit";
import { dryRunImport, MAX_IMPORT_BYTES, runImport } from "@/lib/onboarding/import";

const body = z
  .object({
    csv: z
      .string()
      .min(1, "Paste or upload the CSV.")
      .max(MAX_IMPORT_BYTES, `The file is larger than ${MAX_IMPORT_BYTES / 1024} KB: split it.`),
    mode: z.enum(["dry_run", "create"]),
  })
  .strict();

// The CSV travels as JSON: the body bound is the file's plus room for escaping.
export const POST = route({ body, maxBodyBytes: MAX_IMPORT_BYTES * 2 }, async ({ scope, body: b }) => {
  if (b.mode === "dry_run") return { plan: await dryRunImport(scope, b.csv) };
  const r = await runImport(scope, auditActor(scope), b.csv);
  return NextResponse.json(r, { status: r.created ? 201 : 422 });
});
