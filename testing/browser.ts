// Finds a Chromium for Playwright: Playwright's own download if present, else Debian's.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export function findChromium(): string | null {
  if (process.env.CONSENTRY_CHROMIUM && existsSync(process.env.CONSENTRY_CHROMIUM)) return process.env.CONSENTRY_CHROMIUM;
  try {
    const require = createRequire(import.meta.url);
    const { chromium } = require("@playwright/test") as { chromium: { executablePath(): string } };
    const own = chromium.executablePath();
    if (own && existsSync(own)) return own;
  } catch {
    /* no Playwright browser downloaded */
  }
  for (const p of ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]) if (existsSync(p)) return p;
  return null;
}
