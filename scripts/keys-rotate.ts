// `npm run keys:rotate`: re-seals every secret and token under the first key of
// CONSENTRY_ENCRYPTION_KEY. In demo mode (no key in the environment) it first generates a new
// key and puts it in front of the one in .data/secrets.json.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { loadOrCreateLocalSecrets } from "./lib/local-secrets";
import { prepareDatabase } from "./lib/prepare-database";
import { parseKeyring } from "../lib/crypto/keyring";
import { resetEnvCache } from "../lib/env";

const dataDir = path.resolve(process.env.CONSENTRY_DATA_DIR ?? ".data");
let spec = process.env.CONSENTRY_ENCRYPTION_KEY;
if (!spec) {
  const secrets = loadOrCreateLocalSecrets(dataDir);
  const id = `k${Date.now().toString(36)}`;
  spec = `${id}:${randomBytes(32).toString("base64")},${secrets.encryptionKey}`;
  writeFileSync(path.join(dataDir, "secrets.json"), JSON.stringify({ ...secrets, encryptionKey: spec }, null, 2), { mode: 0o600 });
  console.log(`generated key ${id} in ${path.join(dataDir, "secrets.json")}`);
}
const ring = parseKeyring(spec);
const database = await prepareDatabase({ dataDir, port: Number(process.env.CONSENTRY_PG_PORT ?? 54329) });
process.env.DATABASE_URL = database.url;
resetEnvCache();
const { resealAll } = await import("../lib/crypto/reseal-all");
const counts = await resealAll(ring);
for (const [col, n] of Object.entries(counts)) console.log(`${col}: ${n} re-sealed`);
console.log(`all sealed values now use key "${ring.current.id}". Older keys can be removed from CONSENTRY_ENCRYPTION_KEY.`);
await database.stop();
process.exit(0);
