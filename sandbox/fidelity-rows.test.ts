// FIDELITY.md checks itself: every row names at least one test, every test file it names exists, and
// every test title it names (quoted or not, after "›") occurs in that file. A row that says "no public
// source" is fine; a row without a test is not.
//
// The test cell is read like this: a file path (`lib/…`, `sandbox/…`, backticks optional) starts a
// group; "…" as the path means the file named just before. What follows up to the next path names
// titles: "quoted" titles when there are quotes, otherwise the text after "›" (nested describe
// blocks as "block › title"; "A; › B" is two titles; "A; B" is two when "A; B" is not one). "…" inside a title
// stands for text left out: each piece around it must occur, in order.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const FIDELITY = path.join(ROOT, "sandbox/FIDELITY.md");

export type Row = { line: number; behaviour: string; test: string };

/** Table rows of a markdown file: the first and last cells (behaviour, test); header and rule lines skipped. */
export function tableRows(markdown: string): Row[] {
  const rows: Row[] = [];
  markdown.split("\n").forEach((text, i) => {
    if (!text.startsWith("|") || /^\|[\s|:-]+\|?$/.test(text)) return;
    // Cells split on "|" outside backticks (a wire text may hold a "|").
    const cells: string[] = [];
    let cur = "";
    let code = false;
    for (const ch of text.slice(1)) {
      if (ch === "`") code = !code;
      if (ch === "|" && !code) {
        cells.push(cur.trim());
        cur = "";
      } else cur += ch;
    }
    if (cur.trim()) cells.push(cur.trim());
    if (cells[0] === "behaviour" || cells.length < 3) return;
    rows.push({ line: i + 1, behaviour: cells[0], test: cells[cells.length - 1] });
  });
  return rows;
}

const PATH = /`?((?:lib|sandbox|app|components|testing|scripts|e2e)\/[\w./[\]()-]+?\.(?:test|spec)\.tsx?)`?|(?<=^|;\s*)…(?=\s*›)/g;

export type Reference = { file: string; titles: string[] };

/** The test files and titles one test cell names. */
export function references(cell: string): Reference[] {
  const marks = [...cell.matchAll(PATH)];
  const out: Reference[] = [];
  marks.forEach((m, k) => {
    const file = m[1] ?? out[out.length - 1]?.file ?? "…";
    const end = k + 1 < marks.length ? marks[k + 1].index : cell.length;
    const rest = cell.slice(m.index + m[0].length, end);
    out.push({ file, titles: titlesIn(rest) });
  });
  return out;
}

function titlesIn(rest: string): string[] {
  const quoted = [...rest.matchAll(/"([^"]+)"/g)].map((q) => q[1]);
  if (quoted.length) return quoted;
  // "A; › B" names two titles of the same file.
  return rest
    .replace(/^\s*›\s*/, "")
    .split(/;\s*›\s*/)
    .map((t) => t.replace(/[;,\s]+$/, "").trim())
    .filter(Boolean);
}

/** Does `title` occur in `source`? Whole, or as its "›" levels, or as its "; " parts; "…" leaves text out. */
export function occurs(source: string, title: string): boolean {
  const flat = source.replace(/\\(["'`])/g, "$1");
  const inOrder = (t: string) => {
    let at = 0;
    for (const piece of t
      .split("…")
      .map((p) => p.trim().replace(/[:,]$/, ""))
      .filter(Boolean)) {
      const i = flat.indexOf(piece, at);
      if (i < 0) return false;
      at = i + piece.length;
    }
    return true;
  };
  if (inOrder(title)) return true;
  const levels = title.split(" › ");
  if (levels.length > 1 && levels.every((l) => occurs(source, l))) return true;
  const parts = title.split(/;\s+/);
  return parts.length > 1 && parts.every((p) => inOrder(p));
}

/** What is wrong with one row's test cell (empty: nothing). */
export function problems(row: Row, exists: (file: string) => string | undefined): string[] {
  const refs = references(row.test);
  if (!refs.length) return [`line ${row.line}: no test named ("${row.test}")`];
  const out: string[] = [];
  for (const r of refs) {
    const source = exists(r.file);
    if (source === undefined) {
      out.push(`line ${row.line}: ${r.file} does not exist`);
      continue;
    }
    for (const t of r.titles) if (!occurs(source, t)) out.push(`line ${row.line}: "${t}" is not a test title in ${r.file}`);
  }
  return out;
}

const readIfThere = (file: string) => {
  const full = path.join(ROOT, file);
  return fs.existsSync(full) ? fs.readFileSync(full, "utf8") : undefined;
};

describe("FIDELITY.md self-check", () => {
  it("every row names a test file that exists and test titles that occur in it", () => {
    const rows = tableRows(fs.readFileSync(FIDELITY, "utf8"));
    expect(rows.length).toBeGreaterThan(50);
    expect(rows.flatMap((r) => problems(r, readIfThere))).toEqual([]);
  });

  it("flags a row without a test, a missing file, and a title that isn't in the file", () => {
    const md = [
      "| behaviour | source | test |",
      "|---|---|---|",
      "| a | no public source | none (gap) |",
      "| b | x | `sandbox/nowhere.test.ts` › anything |",
      '| c | x | `sandbox/mail/smtp/smtp.test.ts` › "no such title anywhere" |',
      '| d | x | `sandbox/mail/smtp/smtp.test.ts` › "takes a message in BDAT chunks …, byte for byte"; … › SMTP transaction replies |',
      "| e | x | sandbox/mail/smtp/smtp.test.ts › SMTP transaction replies › answers MAIL FROM; it vanishes |",
    ].join("\n");
    const rows = tableRows(md);
    expect(rows.map((r) => r.behaviour)).toEqual(["a", "b", "c", "d", "e"]);
    const found = rows.map((r) => problems(r, readIfThere));
    expect(found[0]).toEqual([expect.stringMatching(/no test named/)]);
    expect(found[1]).toEqual([expect.stringMatching(/nowhere\.test\.ts does not exist/)]);
    expect(found[2]).toEqual([expect.stringMatching(/"no such title anywhere" is not a test title/)]);
    expect(found[3]).toEqual([]);
    expect(found[4]).toEqual([expect.stringMatching(/"SMTP transaction replies › answers MAIL FROM; it vanishes" is not/)]);
  });
});
