import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// `npm ci` (what CI runs) refuses a lock whose optional platform builds are missing;
// `npm install` against this registry drops them. Fix with `npm run lock:fix`.
describe("package-lock.json", () => {
  it("lists every optional dependency, so npm ci accepts it", () => {
    const lock = JSON.parse(readFileSync(new URL("../package-lock.json", import.meta.url), "utf8"));
    const missing: string[] = [];
    for (const [path, entry] of Object.entries<{ optionalDependencies?: Record<string, string> }>(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        if (!lock.packages[`node_modules/${name}`] && !lock.packages[`${path}/node_modules/${name}`]) missing.push(name);
      }
    }
    expect(missing, "run `npm run lock:fix`").toEqual([]);
  });
});
