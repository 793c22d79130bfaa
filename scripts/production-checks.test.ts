// `npm start` and `npm run demo` refuse unsafe settings before starting anything: spawned for real
// with a clean environment, checked by exit code and message.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { embeddedDbPassword } from "./lib/production-checks";

const tmp = mkdtempSync(path.join(os.tmpdir(), "consentry-start-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const BASE = {
  PATH: process.env.PATH ?? "",
  HOME: process.env.HOME ?? tmp,
  CONSENTRY_DATA_DIR: tmp,
  CONSENTRY_ENCRYPTION_KEY: `k1:${Buffer.alloc(32, 1).toString("base64")}`,
  NEXTAUTH_SECRET: "x".repeat(32),
  NEXTAUTH_URL: "https://consentry.example.com",
  CONSENTRY_PUBLIC_URL: "https://consentry.example.com",
  // Unreachable on purpose: a check that lets this through fails on connecting, not by hanging.
  DATABASE_URL: "postgresql://u:p@127.0.0.1:1/none",
};

function run(script: string, env: Record<string, string | undefined>, args: string[] = []): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.resolve("node_modules/.bin/tsx"), ["--conditions=react-server", script, ...args], {
      env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv,
    });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe("npm start refuses", { timeout: 30_000 }, () => {
  it("SANDBOX_ENABLED without the explicit override", async () => {
    const r = await run("scripts/start.ts", { ...BASE, SANDBOX_ENABLED: "true" });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/refused: SANDBOX_ENABLED is on.*CONSENTRY_ALLOW_SANDBOX_IN_PRODUCTION=1/);
  });

  it("a plain-http public URL outside localhost", async () => {
    const r = await run("scripts/start.ts", {
      ...BASE,
      CONSENTRY_PUBLIC_URL: "http://consentry.example.com",
      NEXTAUTH_URL: "http://consentry.example.com",
    });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/refused: CONSENTRY_PUBLIC_URL is http:\/\/consentry\.example\.com: the public URL must be https:\/\//);
    expect(r.out).toMatch(/refused: NEXTAUTH_URL is http:\/\/consentry\.example\.com/);
  });

  it("no DATABASE_URL, unless an embedded database is asked for", async () => {
    const r = await run("scripts/start.ts", { ...BASE, DATABASE_URL: undefined });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/refused: DATABASE_URL is not set.*CONSENTRY_EMBEDDED_DB=1/);
  });

  it("lets a sound configuration through to the database (which is unreachable here)", async () => {
    const r = await run("scripts/start.ts", {
      ...BASE,
      CONSENTRY_PUBLIC_URL: "http://localhost:3000",
      NEXTAUTH_URL: "http://127.0.0.1:3000",
      SANDBOX_ENABLED: "true",
      CONSENTRY_ALLOW_SANDBOX_IN_PRODUCTION: "1",
    });
    expect(r.out).not.toMatch(/refused/);
    expect(r.code).not.toBe(0);
  });
});

describe("npm run demo refuses an external DATABASE_URL", { timeout: 30_000 }, () => {
  it("unless told to", async () => {
    const r = await run("scripts/demo.ts", { ...BASE });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/refused: DATABASE_URL is set.*--use-database-url/);
  });
});

describe("the embedded database's password for npm start", () => {
  it("is generated once and kept 0600 in the data dir", () => {
    const dir = path.join(tmp, "pw");
    const a = embeddedDbPassword(dir);
    expect(a).toMatch(/^[0-9a-f]{48}$/);
    expect(embeddedDbPassword(dir)).toBe(a);
    expect(statSync(path.join(dir, "pg-password")).mode & 0o777).toBe(0o600);
  });
});
