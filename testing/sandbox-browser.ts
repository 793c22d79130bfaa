// Chromium for tests against the sandbox. Chromium doesn't read NODE_EXTRA_CA_CERTS, so instead
// of turning verification off it is told to accept exactly the sandbox server's public key.
import { createHash, X509Certificate } from "node:crypto";
import { chromium, type Browser } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "./browser";

export function spkiPin(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64");
}

export async function launchBrowserFor(certPem: string): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium() ?? undefined,
    headless: true,
    args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${spkiPin(certPem)}`],
  });
}
