// `npm start` runs the embedded PostgreSQL (when asked to) with a generated password, and a data
// dir made earlier with the fixed demo password takes the generated one: the fixed one stops working.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded";

const dir = mkdtempSync(path.join(os.tmpdir(), "consentry-pgpw-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function canConnect(url: string) {
  const c = new pg.Client({ connectionString: url });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    await c.end().catch(() => undefined);
    return false;
  }
}

describe("embedded PostgreSQL password", { timeout: 120_000 }, () => {
  it("a generated password replaces the fixed one on an existing data dir", async () => {
    const dataDir = path.join(dir, "pg");
    const first = await startEmbeddedPostgres({ dataDir });
    const fixedUrl = first.url;
    await first.stop();
    const second = await startEmbeddedPostgres({ dataDir, password: "generated-Pw_1" });
    try {
      expect(second.url).toContain(":generated-Pw_1@");
      expect(await canConnect(second.url)).toBe(true);
      expect(await canConnect(fixedUrl.replace(/:\d+\//, `:${second.port}/`))).toBe(false);
    } finally {
      await second.stop();
    }
  });
});
