// The trace recorder a traced operation runs inside (AsyncLocalStorage), and the one call the
// transports make: traceLine(). lib/mail (IMAP, POP3, SMTP, Graph) and the token client ask for
// the active recorder when they open a connection or send a request; outside a traced operation
// there is none and nothing is recorded or redacted (no cost). Every line is redacted as it is
// added (redact-trace.ts); the transcript is bounded in lines and bytes.
import { AsyncLocalStorage } from "node:async_hooks";
import { redactTraceText } from "../log/redact";

export type TTraceProtocol = "imap" | "pop" | "smtp" | "graph" | "token" | "note";
/** ">": what Consentry sent; "<": what the server answered; "*": a note (connect, close, error). */
export type TTraceDir = ">" | "<" | "*";
export type TTraceLine = { t: number; p: TTraceProtocol; d: TTraceDir; s: string };

export const TRACE_MAX_LINES = 1500;
export const TRACE_MAX_BYTES = 128 * 1024;
const MAX_LINE_CHARS = 2000;

export class TraceRecorder {
  readonly startedAt = new Date();
  readonly lines: TTraceLine[] = [];
  bytes = 0;
  truncated = false;
  private readonly secrets = new Set<string>();

  /** A value that must never appear in the transcript (a token, a secret, a SASL payload). */
  secret(...values: (string | null | undefined)[]) {
    for (const v of values) if (v && v.length >= 8) this.secrets.add(v);
  }

  close(text: string) {
    this.lines.push({
      t: Date.now() - this.startedAt.getTime(),
      p: "note",
      d: "*",
      s: redactTraceText(text, this.secrets).slice(0, MAX_LINE_CHARS),
    });
  }

  add(p: TTraceProtocol, d: TTraceDir, text: string) {
    if (this.truncated) return;
    for (const raw of text.split(/\r?\n/)) {
      if (!raw && text) continue;
      let s = redactTraceText(raw, this.secrets);
      if (s.length > MAX_LINE_CHARS) s = `${s.slice(0, MAX_LINE_CHARS)}… (${s.length} chars)`;
      if (this.lines.length >= TRACE_MAX_LINES || this.bytes + s.length > TRACE_MAX_BYTES) {
        this.truncated = true;
        this.lines.push({
          t: Date.now() - this.startedAt.getTime(),
          p: "note",
          d: "*",
          s: "(trace limit reached: the rest is not recorded)",
        });
        return;
      }
      this.bytes += s.length;
      this.lines.push({ t: Date.now() - this.startedAt.getTime(), p, d, s });
    }
  }
}

/** The closing note of a transcript: kept even past the limits. */
export function closeTrace(rec: TraceRecorder, text: string) {
  rec.close(text);
}

const store = new AsyncLocalStorage<TraceRecorder>();

/** The recorder of the traced operation this code runs in, if any. */
export function activeTrace(): TraceRecorder | undefined {
  return store.getStore();
}

export function runTraced<T>(rec: TraceRecorder, fn: () => Promise<T>): Promise<T> {
  return store.run(rec, fn);
}

/** A line for the active trace (none: nothing happens). */
export function traceLine(p: TTraceProtocol, d: TTraceDir, text: string) {
  store.getStore()?.add(p, d, text);
}
