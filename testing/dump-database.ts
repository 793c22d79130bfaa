// A text dump of every row of every table (what `pg_dump --data-only` would contain), for tests
// that prove no plaintext secret or token is stored.
import pg from "pg";

export async function dumpDatabase(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const tables = await c.query<{ t: string }>(
      `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const parts: string[] = [];
    for (const { t } of tables.rows) {
      const rows = await c.query(`SELECT row_to_json(x)::text AS j FROM "${t}" x`);
      for (const r of rows.rows) parts.push(`${t}\t${r.j}`);
    }
    // bytea columns appear hex-encoded in row_to_json; add their decoded text too.
    const bytea = await c.query<{ t: string; col: string }>(
      `SELECT table_name AS t, column_name AS col FROM information_schema.columns WHERE table_schema = 'public' AND data_type = 'bytea'`,
    );
    for (const { t, col } of bytea.rows) {
      const rows = await c
        .query(`SELECT convert_from("${col}", 'UTF8') AS s FROM "${t}" WHERE "${col}" IS NOT NULL`)
        .catch(() => ({ rows: [] as { s: string }[] }));
      for (const r of rows.rows) parts.push(`${t}.${col}\t${r.s}`);
    }
    return parts.join("\n");
  } finally {
    await c.end();
  }
}
