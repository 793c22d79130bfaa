// The only reader of process.env. Validated once; a bad value stops the process with a clear message.
import { z } from "zod";

const ZBool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  CONSENTRY_DATA_DIR: z.string().default(".data"),
  // "kid:base64key[,kid:base64key...]" or a bare base64 key; the first key seals, all keys open.
  CONSENTRY_ENCRYPTION_KEY: z.string().min(1).optional(),
  CONSENTRY_PUBLIC_URL: z.string().url().default("http://localhost:3000"),
  NEXTAUTH_SECRET: z.string().min(16).optional(),
  SESSION_MAX_AGE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(8),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  // Reverse proxies in front of the web app that append to X-Forwarded-For; the client address is
  // the entry that many places from the right (0: none, take the rightmost, which Next sets itself).
  TRUSTED_PROXY_COUNT: z.coerce.number().int().min(0).max(10).default(0),
  // Staff SSO through Microsoft Entra ID; off unless all three are set.
  AUTH_ENTRA_CLIENT_ID: z.string().optional(),
  AUTH_ENTRA_CLIENT_SECRET: z.string().optional(),
  AUTH_ENTRA_TENANT: z.string().optional(),
  AUTH_ENTRA_CLOUD: z.enum(["global", "usgov", "china", "sandbox"]).default("global"),
  // The Microsoft 365 sandbox's hosts (the "Sandbox" cloud).
  SANDBOX_LOGIN_URL: z.string().url().default("https://localhost:4010"),
  SANDBOX_GRAPH_URL: z.string().url().default("https://localhost:4011"),
  SANDBOX_IMAP_HOST: z.string().default("localhost:4993"),
  SANDBOX_POP_HOST: z.string().default("localhost:4995"),
  SANDBOX_SMTP_HOST: z.string().default("localhost:4587"),
  SANDBOX_ENABLED: ZBool.default(false),
  // `npm start` refuses SANDBOX_ENABLED unless this says the sandbox is wanted in production.
  CONSENTRY_ALLOW_SANDBOX_IN_PRODUCTION: ZBool.default(false),
  // `npm start` without DATABASE_URL: an embedded PostgreSQL for a single-box install, only on request.
  CONSENTRY_EMBEDDED_DB: ZBool.default(false),
  // `npm run demo` seeds demo data; into DATABASE_URL only when this (or --use-database-url) says so.
  CONSENTRY_DEMO_ALLOW_EXTERNAL_DB: ZBool.default(false),
  // A worker whose heartbeat is three beats old (plus a second) is dead: its leases move to the others.
  WORKER_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(300).default(2),
  // Mailboxes one worker syncs at once. Sync waits on Microsoft (round trips), not on the CPU, so
  // dozens: at 50 ms round trip, 48 keep 1,000 mailboxes on their one-minute poll (README sizing).
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(512).default(48),
  // PostgreSQL connections per process (a query takes one only while it runs; no sync holds one
  // across a network call).
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  // IMAP mailboxes one worker watches with IDLE (0 turns IMAP push off on that worker). Memory per
  // session: README's benchmarks (scripts/bench/live-push.ts measures it).
  WORKER_IDLE_SLOTS: z.coerce.number().int().min(0).max(5000).default(1000),
  // Graph requests one mailbox's sync spends per 10 minutes (Microsoft's limit per app and mailbox);
  // a first sync that would spend more stops and resumes when the window has passed.
  GRAPH_REQUESTS_PER_WINDOW: z.coerce.number().int().min(200).max(100_000_000).default(10_000),
  // Webhooks to private, loopback or link-local addresses (and plain http) are refused unless this is
  // on: a SaaS must not be used to reach its own network. The demo and tests turn it on.
  WEBHOOK_ALLOW_PRIVATE: ZBool.default(false),
  API_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(600),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  // Set by npm when a process is started through `npm run`; the worker reports it in its heartbeat.
  npm_package_version: z.string().default("dev"),
});

export type TEnv = z.infer<typeof ZEnv>;

let cached: TEnv | undefined;

export function env(): TEnv {
  if (cached) return cached;
  const parsed = ZEnv.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

/** Tests and launchers change the environment after import; this forgets the parsed copy. */
export function resetEnvCache() {
  cached = undefined;
}
