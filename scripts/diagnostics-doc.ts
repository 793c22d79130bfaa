// Prints the README's generated "Diagnostics" table, or with --write puts it into README.md.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { diagnosticsTable, withDiagnostics } from "./lib/diagnostics-doc";

const file = path.resolve(import.meta.dirname, "..", "README.md");
if (process.argv.includes("--write")) {
  const next = withDiagnostics(readFileSync(file, "utf8"));
  if (next === null) {
    console.error("README.md has no diagnostics markers; add the section first.");
    process.exit(1);
  }
  writeFileSync(file, next);
  console.log("README.md: diagnostics section regenerated.");
} else console.log(diagnosticsTable());
