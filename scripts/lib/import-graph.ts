// The repo's import graph, read from source: which file imports which, resolved through relative
// paths and the "@/" alias. Used by the layering test to find folder-level cycles and upward imports.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const SKIP = new Set(["node_modules", ".next", ".data", ".git", "generated", "test-results", "playwright-report"]);
const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^"'`;]*?\sfrom\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

export function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(root, dir))) {
    if (SKIP.has(name)) continue;
    const rel = path.posix.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) out.push(...sourceFiles(root, rel));
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith(".d.ts")) out.push(rel);
  }
  return out;
}

function resolve(root: string, from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("@/")) base = spec.slice(2);
  else if (spec.startsWith(".")) base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  else return null;
  for (const cand of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`]) {
    if (existsSync(path.join(root, cand)) && statSync(path.join(root, cand)).isFile()) return cand;
  }
  return null;
}

/** Every import edge (file → file) among the given files. Type-only imports count: they still couple folders. */
export function importEdges(root: string, files: string[]): Array<{ from: string; to: string }> {
  const edges: Array<{ from: string; to: string }> = [];
  for (const from of files) {
    const text = readFileSync(path.join(root, from), "utf8");
    for (const m of text.matchAll(IMPORT)) {
      const to = resolve(root, from, m[1] ?? m[2]);
      if (to) edges.push({ from, to });
    }
  }
  return edges;
}

/** Strongly connected components with more than one node (Tarjan). */
export function cycles(nodes: string[], edges: Array<{ from: string; to: string }>): string[][] {
  const adj = new Map<string, Set<string>>(nodes.map((n) => [n, new Set()]));
  for (const e of edges) if (e.from !== e.to) adj.get(e.from)?.add(e.to);
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of adj.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const n of nodes) if (!idx.has(n)) visit(n);
  return out;
}
