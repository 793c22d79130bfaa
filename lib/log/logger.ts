// The one logger of the web app and the workers: JSON lines on stdout (debug, info) and stderr
// (warn, error) with level, time, msg, the workspace, tenant and mailbox when known, and any
// other fields. LOG_LEVEL (lib/env.ts) sets the lowest level written. Nothing secret gets out:
// every string goes through the trace redactor (tokens, secrets, SASL payloads, Authorization
// headers), fields named like a credential are dropped, and errors are reduced to name, code and
// (redacted) message.
import { env } from "../env";
import { redactTraceText } from "./redact";

export type TLogLevel = "debug" | "info" | "warn" | "error";
export type TLogFields = { workspaceId?: string | null; tenantId?: string | null; mailboxId?: string | null } & Record<string, unknown>;
export type TLogger = {
  debug: (msg: string, fields?: TLogFields) => void;
  info: (msg: string, fields?: TLogFields) => void;
  warn: (msg: string, fields?: TLogFields) => void;
  error: (msg: string, fields?: TLogFields) => void;
  /** A logger that adds `fields` to every line (a worker id, a mailbox). */
  child: (fields: TLogFields) => TLogger;
};

const RANK: Record<TLogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const CREDENTIAL_KEY = /token|secret|password|authorization|cookie|assertion|verifier|^code$/i;

function clean(v: unknown, depth = 0): unknown {
  if (typeof v === "string") return redactTraceText(v);
  if (v instanceof Error) {
    const e = v as Error & { code?: unknown };
    return { name: e.name, message: redactTraceText(e.message), ...(typeof e.code === "string" ? { code: e.code } : {}) };
  }
  if (depth > 6) return "[…]";
  if (Array.isArray(v)) return v.map((x) => clean(x, depth + 1));
  if (v && typeof v === "object" && !(v instanceof Date))
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, CREDENTIAL_KEY.test(k) ? "[redacted]" : clean(x, depth + 1)]),
    );
  return v;
}

/** `level`/`write` for tests; by default LOG_LEVEL and the process's stdout/stderr. */
export function createLogger(
  base: TLogFields = {},
  opts: { level?: () => TLogLevel; write?: (line: string, level: TLogLevel) => void } = {},
): TLogger {
  const level = opts.level ?? (() => env().LOG_LEVEL);
  const write =
    opts.write ?? ((line: string, l: TLogLevel) => (l === "warn" || l === "error" ? process.stderr : process.stdout).write(`${line}\n`));
  const at =
    (l: TLogLevel) =>
    (msg: string, fields: TLogFields = {}) => {
      if (RANK[l] < RANK[level()]) return;
      const rest = clean({ ...base, ...fields }) as Record<string, unknown>;
      for (const k of Object.keys(rest)) if (rest[k] === undefined || rest[k] === null) delete rest[k];
      write(JSON.stringify({ level: l, time: new Date().toISOString(), msg: redactTraceText(msg), ...rest }), l);
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (fields) => createLogger({ ...base, ...fields }, opts),
  };
}

/** The process's logger. */
export const log: TLogger = createLogger();
