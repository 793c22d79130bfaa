// Holds the layout: no folder-level import cycle inside lib/, and no import against the layers
// (lib/ never reaches up into app/, components/ or workers/; nothing shipped imports test support
// or the sandbox).
import { describe, expect, it } from "vitest";
import path from "node:path";
import { cycles, importEdges, sourceFiles } from "./lib/import-graph";

const root = path.resolve(import.meta.dirname, "..");
const files = ["lib", "app", "components", "workers"].flatMap((d) => sourceFiles(root, d));
const edges = importEdges(root, files);
const isTest = (f: string) => /\.test\.tsx?$/.test(f);
const folderOf = (f: string) => f.split("/").slice(0, 2).join("/");

describe("layering", () => {
  it("has no folder-level import cycle in lib/", () => {
    const libEdges = edges
      .filter((e) => e.from.startsWith("lib/") && e.to.startsWith("lib/") && !isTest(e.from))
      .map((e) => ({ from: folderOf(e.from), to: folderOf(e.to) }));
    const folders = [...new Set(libEdges.flatMap((e) => [e.from, e.to]))];
    const found = cycles(folders, libEdges).map((c) => {
      const why = libEdges.filter((e) => c.includes(e.from) && c.includes(e.to) && e.from !== e.to);
      const files = edges
        .filter((e) => why.some((w) => folderOf(e.from) === w.from && folderOf(e.to) === w.to) && !isTest(e.from))
        .map((e) => `${e.from} → ${e.to}`);
      return `${c.join(" ↔ ")}\n    ${[...new Set(files)].join("\n    ")}`;
    });
    expect(found, found.join("\n")).toEqual([]);
  });

  it("never imports against the layers", () => {
    const bad = edges
      .filter((e) => !isTest(e.from))
      .filter(
        (e) =>
          (e.from.startsWith("lib/") && /^(app|components|workers)\//.test(e.to)) ||
          (e.from.startsWith("workers/") && /^(app|components)\//.test(e.to)) ||
          (e.from.startsWith("components/") && /^app\//.test(e.to)) ||
          /^(sandbox|testing|e2e|scripts)\//.test(e.to),
      )
      .map((e) => `${e.from} → ${e.to}`);
    expect(bad, bad.join("\n")).toEqual([]);
  });
});
