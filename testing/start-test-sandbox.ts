// A whole sandbox on random ports with a fresh data dir, its server certificate signed by the
// shared test CA that vitest's global setup made trusted (NODE_EXTRA_CA_CERTS).
import { mkdtempSync } from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { startSandbox, type RunningSandbox, type TPorts } from "../sandbox/server";

export const TEST_CA_DIR = path.resolve(".data/test-ca");

export async function startTestSandbox(opts: { seed?: boolean; advertisedPorts?: TPorts } = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "consentry-sbx-"));
  const sb = await startSandbox({
    dataDir,
    seed: opts.seed ?? true,
    quiet: true,
    ports: { identity: 0, graph: 0, imap: 0, pop: 0, smtp: 0 },
    tls: { caDir: TEST_CA_DIR },
    advertisedPorts: opts.advertisedPorts,
  });
  const admin = (method: string, p: string, body?: unknown) =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = https.request(
        {
          host: "127.0.0.1",
          port: sb.ports.identity,
          path: p,
          method,
          ca: sb.ctx.tls.ca,
          servername: "localhost",
          headers: { "content-type": "application/json" },
        },
        (r) => {
          const c: Buffer[] = [];
          r.on("data", (d) => c.push(d));
          r.on("end", () => {
            const text = Buffer.concat(c).toString();
            resolve({ status: r.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
          });
        },
      );
      req.on("error", reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  return Object.assign(sb, { admin }) as RunningSandbox & { admin: typeof admin };
}
