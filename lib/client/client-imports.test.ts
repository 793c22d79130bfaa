// lib/client/ ships to the browser: from the rest of lib/ it may take types only (`import type` is
// erased), so no server module (Prisma, secrets, the session) reaches a client bundle. The one
// exception is the diagnosis view: catalog data and its describe(), which import nothing at run time
// beyond each other (checked below), so the browser names a code exactly as the server does.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";

const dir = import.meta.dirname;
const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.tsx?$/.test(f) && !f.endsWith(".test.ts"));
const SHARED_WITH_BROWSER = new Map([["@/lib/diagnostics/describe", "../diagnostics/describe.ts"]]);
const valueImports = (src: string) =>
  [...src.matchAll(/^import\s+(type\s+)?[^;]*?from\s+"([^"]+)";/gms)].filter(([, isType]) => !isType).map(([, , from]) => from);

describe("lib/client", () => {
  it("imports server modules as types only", () => {
    const bad = files.flatMap((f) =>
      valueImports(fs.readFileSync(path.join(dir, f), "utf8"))
        .filter((from) => (from.startsWith("@/") || from.startsWith("../../")) && !SHARED_WITH_BROWSER.has(from))
        .map((from) => `${f} → ${from}`),
    );
    expect(bad).toEqual([]);
  });

  it("shares only run-time-free modules with the browser: describe() and the catalog it reads", () => {
    const describeSrc = fs.readFileSync(path.join(dir, SHARED_WITH_BROWSER.get("@/lib/diagnostics/describe")!), "utf8");
    expect(valueImports(describeSrc)).toEqual(["./catalog"]);
    expect(valueImports(fs.readFileSync(path.join(dir, "../diagnostics/catalog.ts"), "utf8"))).toEqual([]);
  });
});
