import pg from "pg";
import { describe, expect, it } from "vitest";
import { schemaDrift } from "./schema-drift";
import { listMigrations } from "./migrate";

describe("migrations match schema.prisma", () => {
  it("the migrated test database has no drift", async () => {
    expect(await schemaDrift(process.env.DATABASE_URL!)).toEqual([]);
  });

  it("detects drift (a column the schema doesn't know, in a scratch schema copy)", async () => {
    const base = process.env.DATABASE_URL!;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    const name = `drift_${Date.now()}`;
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = base.replace(/\/[^/]+$/, `/${name}`);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    for (const m of listMigrations()) await c.query(m.sql);
    await c.query(`ALTER TABLE "Tenant" ADD COLUMN "rogue" TEXT`);
    await c.query(`ALTER TABLE "Mailbox" ALTER COLUMN "folder" DROP NOT NULL`);
    await c.query(`DROP INDEX "Message_mailboxId_receivedAt_idx"`);
    await c.end();
    const drift = await schemaDrift(url);
    expect(drift).toContain("not in schema.prisma: column Tenant.rogue (text null)");
    expect(drift.some((d) => d.startsWith("differs: column Mailbox.folder"))).toBe(true);
    expect(drift.some((d) => d.includes("index Message(mailboxId,receivedAt)"))).toBe(true);
  });
});
