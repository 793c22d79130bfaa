import { defineConfig } from "@playwright/test";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { CHROMIUM_ARGS, findChromium } from "../testing/browser";
import { spkiPin } from "../testing/sandbox-browser";

// The e2e sandbox's own server certificate: Chromium accepts exactly that key (no blanket
// "ignore certificate errors").
const sandboxCert = path.resolve(".data/e2e/sandbox/tls/server.pem");
const pin = existsSync(sandboxCert) ? [`--ignore-certificate-errors-spki-list=${spkiPin(readFileSync(sandboxCert, "utf8"))}`] : [];

// The stack (database, sandbox, web app, seed) is started by scripts/test.ts; run through `npm run test:e2e`.
export default defineConfig({
  testDir: ".",
  testMatch: "**/*.spec.ts",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json"]],
  use: {
    baseURL: process.env.E2E_BASE_URL ?? "http://127.0.0.1:3100",
    browserName: "chromium",
    headless: true,
    launchOptions: { executablePath: findChromium() ?? undefined, args: [...CHROMIUM_ARGS, ...pin] },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  outputDir: "../.data/test-results/playwright",
});
