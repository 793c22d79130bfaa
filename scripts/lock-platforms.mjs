#!/usr/bin/env node
// The registry these machines use carries only the Linux builds of some native
// packages (Next's SWC, Tailwind's oxide). `npm install` then drops the other
// platforms' optional entries from package-lock.json, and `npm ci` refuses a
// lock that lacks them. This restores those entries with their os/cpu, so npm
// skips them on Linux exactly as it would with a complete registry.
// Run after any `npm install` that rewrites the lock: `node scripts/lock-platforms.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const lockPath = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
const pkgs = lock.packages;

// Suffix → platform fields, as those packages publish them.
const platforms = {
  "android-arm64": { os: ["android"], cpu: ["arm64"] },
  "darwin-arm64": { os: ["darwin"], cpu: ["arm64"] },
  "darwin-x64": { os: ["darwin"], cpu: ["x64"] },
  "freebsd-x64": { os: ["freebsd"], cpu: ["x64"] },
  "linux-arm-gnueabihf": { os: ["linux"], cpu: ["arm"] },
  "wasm32-wasi": { cpu: ["wasm32"] },
  "win32-arm64-msvc": { os: ["win32"], cpu: ["arm64"] },
  "win32-x64-msvc": { os: ["win32"], cpu: ["x64"] },
};

let added = 0;
for (const [path, entry] of Object.entries(pkgs)) {
  const optional = entry.optionalDependencies ?? {};
  for (const [name, version] of Object.entries(optional)) {
    const target = `node_modules/${name}`;
    if (pkgs[target]) continue;
    const suffix = Object.keys(platforms).find((s) => name.endsWith(`-${s}`));
    if (!suffix) {
      console.error(`lock-platforms: ${name} (wanted by ${path || "root"}) is missing and is not a known platform build`);
      process.exitCode = 1;
      continue;
    }
    pkgs[target] = {
      version,
      ...platforms[suffix],
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
    };
    added++;
  }
}

const sorted = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync(lockPath, JSON.stringify(lock, null, 2) + "\n");
console.log(`lock-platforms: added ${added} platform entr${added === 1 ? "y" : "ies"}`);
