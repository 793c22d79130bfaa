import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "@": import.meta.dirname, "server-only": path.resolve(import.meta.dirname, "testing/server-only-stub.ts") } },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".data/**", "e2e/**", ".next/**"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    globalSetup: ["testing/global-setup-ca.ts", "testing/global-setup-db.ts"],
  },
});
