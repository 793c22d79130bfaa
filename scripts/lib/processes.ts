// Child-process supervision for the launchers: prefixed output, ordered shutdown on Ctrl-C.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, statSync, readdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";

export type TChild = { name: string; proc: ChildProcess };
const children: TChild[] = [];

export function bin(name: string): string {
  return path.resolve("node_modules/.bin", name);
}

export function startChild(
  name: string,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { quiet?: boolean; onLine?: (l: string) => void } = {},
): TChild {
  const proc = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: false });
  const pipe = (stream: NodeJS.ReadableStream | null) => {
    let buf = "";
    stream?.on("data", (chunk: Buffer) => {
      buf += chunk.toString();
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const l of lines) {
        opts.onLine?.(l);
        if (!opts.quiet && l.trim()) process.stdout.write(`[${name}] ${l}\n`);
      }
    });
  };
  pipe(proc.stdout);
  pipe(proc.stderr);
  const child = { name, proc };
  children.push(child);
  return child;
}

export async function stopChildren(timeoutMs = 8000) {
  // Reverse start order: worker and web stop before the services they depend on.
  for (const c of [...children].reverse()) {
    if (c.proc.exitCode !== null || c.proc.signalCode) continue;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        c.proc.kill("SIGKILL");
        resolve();
      }, timeoutMs);
      c.proc.once("exit", () => {
        clearTimeout(t);
        resolve();
      });
      c.proc.kill("SIGTERM");
    });
  }
  children.length = 0;
}

export async function waitForPort(port: number, host = "127.0.0.1", timeoutMs = 120_000, isAlive?: () => boolean) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (isAlive && !isAlive()) throw new Error(`process exited before port ${port} opened`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, host, () => {
        s.end();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${host}:${port}`);
}

export async function waitForHttp(url: string, timeoutMs = 120_000, isAlive?: () => boolean) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (isAlive && !isAlive()) throw new Error(`process exited before ${url} answered`);
    try {
      const r = await fetch(url, { redirect: "manual" });
      if (r.status < 500) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${url}`);
}

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of readdirSync(p)) {
    if (e === "node_modules" || e === "generated" || e.startsWith(".")) continue;
    max = Math.max(max, newestMtime(path.join(p, e)));
  }
  return max;
}

/** True when the production build is older than any source that goes into it. */
export function isBuildStale(): boolean {
  const id = ".next/BUILD_ID";
  if (!existsSync(id)) return true;
  const built = statSync(id).mtimeMs;
  const sources = [
    "app",
    "components",
    "lib",
    "next.config.ts",
    "proxy.ts",
    "package-lock.json",
    "postcss.config.mjs",
    "tsconfig.json",
    "prisma/schema.prisma",
  ];
  return sources.some((s) => newestMtime(s) > built);
}

/** True when nothing accepts connections on the port (so a server we start can bind it). */
export function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, host, () => {
      s.end();
      resolve(false);
    });
    s.on("error", () => resolve(true));
  });
}
