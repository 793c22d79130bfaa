// Reads prisma/schema.prisma through Prisma's own schema parser (wasm), so tooling and the drift
// test see exactly what `prisma generate` sees.
import { readFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export type TDmmfField = {
  name: string;
  kind: "scalar" | "object" | "enum" | "unsupported";
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  hasDefaultValue: boolean;
  isUpdatedAt: boolean;
  type: string;
  dbName?: string | null;
  default?: unknown;
  relationName?: string;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
};
export type TDmmfModel = { name: string; dbName: string | null; fields: TDmmfField[] };
export type TDmmfIndex = {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  isDefinedOnField: boolean;
  dbName?: string;
  fields: { name: string }[];
};
export type TDmmf = {
  models: TDmmfModel[];
  enums: { name: string; values: { name: string }[] }[];
  indexes: TDmmfIndex[];
};

export function readDmmf(schemaPath = path.resolve(process.cwd(), "prisma/schema.prisma")): TDmmf {
  const wasm = require("@prisma/prisma-schema-wasm") as { get_dmmf(p: string): string };
  const out = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: readFileSync(schemaPath, "utf8") })));
  return out.datamodel as TDmmf;
}

export const SCALAR_SQL: Record<string, string> = {
  String: "TEXT",
  Boolean: "BOOLEAN",
  Int: "INTEGER",
  BigInt: "BIGINT",
  Float: "DOUBLE PRECISION",
  DateTime: "TIMESTAMP(3)",
  Json: "JSONB",
  Bytes: "BYTEA",
  Decimal: "DECIMAL(65,30)",
};
