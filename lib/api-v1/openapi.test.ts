// The OpenAPI document names every REST route there is, and nothing that isn't.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "./openapi";

function routes(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...routes(p));
    else if (e === "route.ts") out.push(`/${path.relative("app", dir).split(path.sep).join("/")}`.replace(/\[(\w+)\]/g, "{$1}"));
  }
  return out;
}

describe("OpenAPI document", () => {
  it("matches the route files under app/api/v1", () => {
    const doc = openApiDocument("https://consentry.example.com");
    const files = routes(path.resolve("app/api/v1"))
      .filter((r) => r !== "/api/v1/openapi.json")
      .sort();
    expect(Object.keys(doc.paths).sort()).toEqual(files);
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: "http", scheme: "bearer" });
  });
});
