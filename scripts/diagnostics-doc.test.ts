// The README's "Diagnostics" section is the catalog, rendered: it fails when an entry was added,
// removed or reworded without `npx tsx scripts/diagnostics-doc.ts --write`.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOG } from "../lib/diagnostics/catalog";
import { diagnosticsTable, withDiagnostics } from "./lib/diagnostics-doc";

const readme = readFileSync(path.resolve(import.meta.dirname, "..", "README.md"), "utf8");

describe("README diagnostics section", () => {
  it("is in step with the catalog (run `npx tsx scripts/diagnostics-doc.ts --write` when it isn't)", () => {
    expect(withDiagnostics(readme), "README.md lacks the diagnostics markers").not.toBeNull();
    expect(readme).toContain(diagnosticsTable());
  });

  it("lists every entry once, with its title, cause and first fix step", () => {
    const table = diagnosticsTable();
    for (const e of CATALOG) {
      const row = table.split("\n").filter((l) => l.startsWith(`| \`${e.code}\` |`));
      expect(row, e.code).toHaveLength(1);
      expect(row[0]).toContain(e.title.replace(/\|/g, "\\|"));
      expect(row[0]).toContain(e.fixSteps[0].replace(/\\/g, "\\\\").replace(/\|/g, "\\|"));
    }
  });
});
