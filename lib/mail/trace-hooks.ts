// The one place the mail transports attach to a trace (lib/trace): each transport asks here for
// its hook when it opens a connection, so every caller — sync, IDLE, sending, the connection test —
// is traced the same way without knowing about it. Outside a traced operation each hook is off
// and the transports run exactly as before.
import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import { activeTrace, type TraceRecorder } from "../trace/trace-context";
import { withoutContent } from "../log/redact";
import { buildXOAuth2 } from "../microsoft/xoauth2";

type TLogEntry = { msg?: unknown; src?: string; err?: { message?: string } } | string | undefined;

/** The active recorder with this sign-in's credentials registered, or undefined. */
export function traceFor(user: string, accessToken: string): TraceRecorder | undefined {
  const rec = activeTrace();
  rec?.secret(accessToken, buildXOAuth2(user, accessToken));
  return rec;
}

/**
 * imapflow's `logger` option: a pino-shaped object. imapflow logs each command it sends
 * (`src: "c"`) and each reply (`src: "s"`) at debug, FETCH responses at trace, with literals
 * (message content) and sensitive atoms (the SASL payload) already replaced by placeholders.
 */
export function imapTraceLogger(rec: TraceRecorder) {
  const log = (entry: TLogEntry, fallback?: unknown) => {
    const e = typeof entry === "object" && entry ? entry : { msg: entry ?? fallback };
    const msg = typeof e.msg === "string" ? e.msg : typeof fallback === "string" ? fallback : "";
    if (!msg && !e.err?.message) return;
    if (e.src === "c") rec.add("imap", ">", msg);
    else if (e.src === "s") rec.add("imap", "<", msg);
    else rec.add("imap", "*", [msg, e.err?.message].filter(Boolean).join(": "));
  };
  return { trace: log, debug: log, info: log, warn: log, error: log, fatal: log };
}

/** nodemailer's `logger` option (bunyan-shaped), with `transactionLog: true`: the SMTP commands
 *  and replies without the message (nodemailer hides the XOAUTH2 token itself, and the hook's
 *  redaction removes the rest of the payload). */
export function smtpTraceLogger(rec: TraceRecorder) {
  const log = (entry: { tnx?: string } | undefined, message?: unknown, ...args: unknown[]) => {
    let text = typeof message === "string" ? message : "";
    for (const a of args) text = text.replace(/%[sd]/, String(a));
    if (!text) return;
    if (entry?.tnx === "client") rec.add("smtp", ">", text);
    else if (entry?.tnx === "server") rec.add("smtp", "<", text);
    else if (entry?.tnx !== "message") rec.add("smtp", "*", text);
  };
  return { trace: log, debug: log, info: log, warn: log, error: log, fatal: log };
}

const KEPT_HEADERS = ["retry-after", "request-id", "client-request-id", "x-ms-ags-diagnostic", "content-type", "location"];

async function bodyText(body: unknown): Promise<string | null> {
  if (typeof body !== "string") return body == null ? null : "(a body that is not text: not recorded)";
  try {
    return JSON.stringify(withoutContent(JSON.parse(body)));
  } catch {
    return `(${body.length} bytes not recorded)`;
  }
}

/** A Graph SDK middleware placed right before the HTTP handler: each request as it goes out (method,
 *  URL, headers without Authorization, JSON body without mail content) and its response (status,
 *  useful headers, JSON body without mail content; any other body only by size). */
export function graphTraceMiddleware(rec: TraceRecorder): Middleware {
  let next: Middleware | undefined;
  return {
    setNext(m: Middleware) {
      next = m;
    },
    async execute(context: Context) {
      const req = context.request;
      const url = typeof req === "string" ? req : req.url;
      const method = context.options?.method ?? (typeof req === "string" ? "GET" : req.method);
      rec.add("graph", ">", `${method} ${url}`);
      const body = await bodyText(context.options?.body);
      if (body) rec.add("graph", ">", body);
      try {
        await next!.execute(context);
      } catch (err) {
        rec.add("graph", "*", `request failed: ${(err as Error)?.message ?? String(err)}`);
        throw err;
      }
      const res = context.response;
      if (!res) return;
      const headers = KEPT_HEADERS.flatMap((h) => (res.headers.get(h) ? [`${h}: ${res.headers.get(h)}`] : []));
      rec.add("graph", "<", [`HTTP ${res.status}`, ...headers].join(" · "));
      const type = res.headers.get("content-type") ?? "";
      if (/json/i.test(type)) {
        const text = await res
          .clone()
          .text()
          .catch(() => "");
        if (text) rec.add("graph", "<", (await bodyText(text)) ?? "");
      } else if (res.headers.get("content-length"))
        rec.add("graph", "<", `(${res.headers.get("content-length")} bytes of ${type || "content"} not recorded)`);
    },
  };
}
