// Demo/dev secrets generated once into .data/ with mode 0600, so a fresh clone needs no setup
// and a second run reuses them. Production sets CONSENTRY_ENCRYPTION_KEY and NEXTAUTH_SECRET.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export type TLocalSecrets = { encryptionKey: string; nextauthSecret: string; ownerPassword: string };

export function loadOrCreateLocalSecrets(dataDir: string): TLocalSecrets {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, "secrets.json");
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    return JSON.parse(readFileSync(file, "utf8")) as TLocalSecrets;
  }
  const secrets: TLocalSecrets = {
    encryptionKey: `k${new Date().toISOString().slice(0, 10).replace(/-/g, "")}:${randomBytes(32).toString("base64")}`,
    nextauthSecret: randomBytes(32).toString("base64url"),
    // Readable but strong: four groups of random base32.
    ownerPassword: Array.from({ length: 4 }, () => randomBytes(4).toString("hex")).join("-"),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
