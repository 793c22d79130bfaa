// Makes the shared test CA before any worker starts and tells Node to trust it, so in-process
// fetch and https (and MSAL) verify the test sandboxes' certificates for real.
import path from "node:path";
import { loadOrCreateTls } from "../sandbox/tls/tls";

export default function setup() {
  const caDir = path.resolve(".data/test-ca");
  const tls = loadOrCreateTls(path.join(caDir, "probe"), caDir);
  process.env.NODE_EXTRA_CA_CERTS = tls.caPath;
  // The tests run against sandboxes; a test of "sandbox off" turns it off itself.
  process.env.SANDBOX_ENABLED ??= "true";
}
