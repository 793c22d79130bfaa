// lib/client/ ships to the browser: from the rest of lib/ it may take types only (`import type` is
// erased), so no server module (Prisma, secrets, the session) reaches a client bundle.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";

const dir = import.meta.dirname;
const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.tsx?$/.test(f) && !f.endsWith(".test.ts"));

describe("lib/client", () => {
  it("imports server modules as types only", () => {
    const bad = files.flatMap((f) => {
      const src = fs.readFileSync(path.join(dir, f), "utf8");
      return [...src.matchAll(/^import\s+(type\s+)?[^;]*?from\s+"([^"]+)";/gms)]
        .filter(([, isType, from]) => !isType && (from.startsWith("@/") || from.startsWith("../../")))
        .map(([, , from]) => `${f} → ${from}`);
    });
    expect(bad).toEqual([]);
  });
});
