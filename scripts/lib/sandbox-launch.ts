// Starts the Microsoft 365 sandbox as a child process when it is present in the repo, and
// returns the CA file Consentry must trust (passed to Node as NODE_EXTRA_CA_CERTS).
import { existsSync } from "node:fs";
import path from "node:path";
import { bin, startChild, waitForPort } from "./processes";

export type TSandboxLaunch = { caPath: string; env: Record<string, string> } | null;

export async function launchSandbox(
  dataDir: string,
  baseEnv: NodeJS.ProcessEnv,
  ports = { identity: 4010, graph: 4011, imap: 4993, pop: 4995, smtp: 4587 },
): Promise<TSandboxLaunch> {
  if (!existsSync("sandbox/main.ts")) return null;
  const sandboxDir = path.resolve(dataDir, "sandbox");
  const env = {
    ...baseEnv,
    SANDBOX_DATA_DIR: sandboxDir,
    SANDBOX_PORT: String(ports.identity),
    SANDBOX_GRAPH_PORT: String(ports.graph),
    SANDBOX_IMAP_PORT: String(ports.imap),
    SANDBOX_POP_PORT: String(ports.pop),
    SANDBOX_SMTP_PORT: String(ports.smtp),
  };
  const child = startChild("sandbox", bin("tsx"), ["sandbox/main.ts"], env);
  await waitForPort(ports.identity, "127.0.0.1", 120_000, () => child.proc.exitCode === null);
  const caPath = path.join(sandboxDir, "tls", "ca.pem");
  if (!existsSync(caPath)) throw new Error(`sandbox started but ${caPath} is missing`);
  return {
    caPath,
    env: {
      SANDBOX_ENABLED: "true",
      SANDBOX_LOGIN_URL: `https://localhost:${ports.identity}`,
      SANDBOX_GRAPH_URL: `https://localhost:${ports.graph}`,
      SANDBOX_IMAP_HOST: `localhost:${ports.imap}`,
      SANDBOX_POP_HOST: `localhost:${ports.pop}`,
      SANDBOX_SMTP_HOST: `localhost:${ports.smtp}`,
    },
  };
}
