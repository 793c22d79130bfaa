// What `npm start` and `npm run demo` refuse before starting anything, each with the fix.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { TEnv } from "../../lib/env";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Reasons `npm start` must not run with this environment (empty: fine). */
export function productionRefusals(e: TEnv, raw: { NEXTAUTH_URL?: string }): string[] {
  const out: string[] = [];
  if (e.SANDBOX_ENABLED && !e.CONSENTRY_ALLOW_SANDBOX_IN_PRODUCTION) {
    out.push(
      "SANDBOX_ENABLED is on: the Microsoft 365 sandbox is for demos and tests, and would let its fake sign-in reach this server. Unset it, or set CONSENTRY_ALLOW_SANDBOX_IN_PRODUCTION=1 if you really mean it.",
    );
  }
  // The state cookie is Secure, and Microsoft only redirects to https, except on this machine.
  for (const [name, value] of [
    ["CONSENTRY_PUBLIC_URL", e.CONSENTRY_PUBLIC_URL],
    ["NEXTAUTH_URL", raw.NEXTAUTH_URL],
  ] as const) {
    if (!value) continue;
    let u: URL | null = null;
    try {
      u = new URL(value);
    } catch {
      /* reported below */
    }
    if (!u) out.push(`${name} (${value}) is not a URL.`);
    else if (u.protocol !== "https:" && !(u.protocol === "http:" && LOOPBACK.has(u.hostname))) {
      out.push(
        `${name} is ${value}: the public URL must be https:// (plain http only for localhost). Set it to the address people and Microsoft reach, e.g. https://consentry.example.com.`,
      );
    }
  }
  if (!e.DATABASE_URL && !e.CONSENTRY_EMBEDDED_DB) {
    out.push(
      "DATABASE_URL is not set. Point it at your PostgreSQL (postgresql://user:pass@host:5432/db), or set CONSENTRY_EMBEDDED_DB=1 to run an embedded PostgreSQL in the data dir on this one machine.",
    );
  }
  return out;
}

/** The embedded database's password for `npm start`: generated once, kept 0600 in the data dir. */
export function embeddedDbPassword(dataDir: string): string {
  const file = path.join(dataDir, "pg-password");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const password = randomBytes(24).toString("hex");
  writeFileSync(file, password, { mode: 0o600 });
  return password;
}

/** `npm run demo` seeds a demo workspace; into an external database only when asked to. */
export function demoDatabaseRefusal(e: TEnv, argv: string[]): string | null {
  if (!e.DATABASE_URL || e.CONSENTRY_DEMO_ALLOW_EXTERNAL_DB || argv.includes("--use-database-url")) return null;
  return "DATABASE_URL is set, and the demo would seed demo data (a workspace, tenants, staff) into it. Unset it to use the embedded database, or run `npm run demo -- --use-database-url` (or set CONSENTRY_DEMO_ALLOW_EXTERNAL_DB=1) if that database is meant for the demo.";
}
