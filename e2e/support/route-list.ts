// The app's surface, read from the source tree at test time: every route handler with the HTTP
// methods it exports, every page, and every server action. The every-route and hostile-input
// suites are generated from this, so a new route, page or action without a case fails them.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type TMethod = (typeof HTTP_METHODS)[number];
export type TRoute = { file: string; path: string; methods: TMethod[]; params: string[] };
export type TPage = { file: string; path: string; params: string[] };

const APP = path.resolve("app");

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

/** app/(dashboard)/tenants/[tenantId]/page.tsx → /tenants/[tenantId]: route groups drop out. */
function urlPath(file: string): string {
  const segs = path
    .relative(APP, path.dirname(file))
    .split(path.sep)
    .filter((s) => s && !/^\(.*\)$/.test(s));
  return "/" + segs.join("/");
}

const paramsOf = (p: string) => [...p.matchAll(/\[(?:\.\.\.)?([^\]]+)\]/g)].map((m) => m[1]);

/** The methods a route file exports: `export const GET =`, `export async function POST(`, `export { h as GET }`. */
export function exportedMethods(source: string): TMethod[] {
  const found = new Set<TMethod>();
  for (const m of HTTP_METHODS) {
    if (new RegExp(`export\\s+(const|let|var)\\s+${m}\\b`).test(source)) found.add(m);
    if (new RegExp(`export\\s+(async\\s+)?function\\s+${m}\\b`).test(source)) found.add(m);
  }
  for (const block of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of block[1].split(",")) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (name && (HTTP_METHODS as readonly string[]).includes(name)) found.add(name as TMethod);
    }
  }
  return HTTP_METHODS.filter((m) => found.has(m));
}

export function listRoutes(): TRoute[] {
  return walk(APP)
    .filter((f) => /[/\\]route\.(ts|tsx|js)$/.test(f))
    .map((file) => {
      const p = urlPath(file);
      return {
        file: path.relative(process.cwd(), file),
        path: p,
        methods: exportedMethods(readFileSync(file, "utf8")),
        params: paramsOf(p),
      };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

export function listPages(): TPage[] {
  return walk(APP)
    .filter((f) => /[/\\]page\.(tsx|ts|jsx|js)$/.test(f))
    .map((file) => {
      const p = urlPath(file);
      return { file: path.relative(process.cwd(), file), path: p, params: paramsOf(p) };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** Files with a "use server" directive (server actions), anywhere in app/, components/ or lib/. */
export function listServerActionFiles(): string[] {
  return ["app", "components", "lib"]
    .flatMap((d) => walk(path.resolve(d)))
    .filter((f) => /\.(ts|tsx|js|jsx)$/.test(f) && !/\.test\.tsx?$/.test(f))
    .filter((f) => /^\s*["']use server["']/m.test(readFileSync(f, "utf8")))
    .map((f) => path.relative(process.cwd(), f));
}

/** Fills [param] segments: `/api/tenants/[tenantId]` + { tenantId: "x" } → `/api/tenants/x`. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\[(?:\.\.\.)?([^\]]+)\]/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for [${name}] in ${template}`);
    return values[name];
  });
}
