import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "../lib/testing/browser";

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
    launchOptions: { executablePath: findChromium() ?? undefined, args: CHROMIUM_ARGS },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  outputDir: "../.data/test-results/playwright",
});
