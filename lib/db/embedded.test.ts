// A fresh clone run as root: .data/ is made private (0700) for secrets.json before PostgreSQL
// (which runs as its own user) initializes inside it. This must still start.
import { mkdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import pgLib from "pg";
import { describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded";

const asRoot = typeof process.getuid === "function" && process.getuid() === 0;

describe("embedded PostgreSQL", () => {
  it.runIf(asRoot)("starts inside a private (0700) parent directory when run as root", { timeout: 120_000 }, async () => {
    const parent = path.resolve(".data", `private-${process.pid}-${Date.now()}`);
    mkdirSync(parent, { recursive: true, mode: 0o700 });
    try {
      const db = await startEmbeddedPostgres({ dataDir: path.join(parent, "pg"), fresh: true });
      try {
        const c = new pgLib.Client({ connectionString: db.url });
        await c.connect();
        expect((await c.query("select 1 as one")).rows[0].one).toBe(1);
        await c.end();
      } finally {
        await db.stop();
      }
      // Traversable for postgres, still not listable by others.
      expect(statSync(parent).mode & 0o007).toBe(0o001);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
