// Dev tool: prints the CREATE statements for prisma/schema.prisma in Prisma's migration style.
// Used to draft a new migration.sql by hand-diffing; the drift test is the real guard.
import { readDmmf, SCALAR_SQL, type TDmmfField } from "../lib/db/dmmf";

const dmmf = readDmmf();
const out: string[] = [];
const q = (s: string) => `"${s}"`;

for (const e of dmmf.enums) {
  out.push(`-- CreateEnum\nCREATE TYPE ${q(e.name)} AS ENUM (${e.values.map((v) => `'${v.name}'`).join(", ")});\n`);
}

function sqlType(f: TDmmfField): string {
  const base = f.kind === "enum" ? q(f.type) : SCALAR_SQL[f.type];
  return f.isList ? `${base}[]` : base;
}

function sqlDefault(f: TDmmfField): string | null {
  const d = f.default as { name?: string; args?: unknown[] } | string | number | boolean | unknown[] | undefined;
  if (d === undefined) return null;
  if (Array.isArray(d)) return d.length === 0 ? `ARRAY[]::${sqlType(f)}` : null;
  if (typeof d === "object" && d && "name" in d) return d.name === "now" ? "CURRENT_TIMESTAMP" : null;
  if (typeof d === "string") return f.kind === "enum" ? `'${d}'` : `'${d.replace(/'/g, "''")}'`;
  return String(d);
}

for (const m of dmmf.models) {
  const cols = m.fields.filter((f) => f.kind !== "object");
  const lines = cols.map((f) => {
    const def = sqlDefault(f);
    return `    ${q(f.name)} ${sqlType(f)}${f.isRequired && !f.isList ? " NOT NULL" : ""}${def ? ` DEFAULT ${def}` : ""}`;
  });
  const id = dmmf.indexes.find((i) => i.model === m.name && i.type === "id")!;
  lines.push(`    CONSTRAINT ${q(`${m.name}_pkey`)} PRIMARY KEY (${id.fields.map((f) => q(f.name)).join(", ")})`);
  out.push(`-- CreateTable\nCREATE TABLE ${q(m.name)} (\n${lines.join(",\n")}\n);\n`);
}

for (const i of dmmf.indexes) {
  if (i.type === "id") continue;
  const cols = i.fields.map((f) => f.name);
  const name = `${i.model}_${cols.join("_")}_${i.type === "unique" ? "key" : "idx"}`;
  out.push(`-- CreateIndex\nCREATE ${i.type === "unique" ? "UNIQUE " : ""}INDEX ${q(name)} ON ${q(i.model)}(${cols.map(q).join(", ")});\n`);
}

const actions: Record<string, string> = {
  Cascade: "CASCADE",
  SetNull: "SET NULL",
  Restrict: "RESTRICT",
  NoAction: "NO ACTION",
  SetDefault: "SET DEFAULT",
};
for (const m of dmmf.models) {
  for (const f of m.fields) {
    if (f.kind !== "object" || !f.relationFromFields?.length) continue;
    const from = f.relationFromFields;
    const required = from.every((c) => m.fields.find((x) => x.name === c)?.isRequired);
    const onDelete = actions[f.relationOnDelete ?? (required ? "Restrict" : "SetNull")];
    out.push(
      `-- AddForeignKey\nALTER TABLE ${q(m.name)} ADD CONSTRAINT ${q(`${m.name}_${from.join("_")}_fkey`)} FOREIGN KEY (${from.map(q).join(", ")}) REFERENCES ${q(f.type)}(${f.relationToFields!.map(q).join(", ")}) ON DELETE ${onDelete} ON UPDATE CASCADE;\n`,
    );
  }
}

process.stdout.write(out.join("\n"));
