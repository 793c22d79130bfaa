// Outlook throttling per (app id, mailbox) pair (https://learn.microsoft.com/en-us/graph/throttling-limits):
// a concurrency cap (4) answered with ApplicationThrottled, and a request budget per window
// (10,000 / 10 min) answered with TooManyRequests. Both carry Retry-After. The admin API shrinks
// the numbers so tests reach them.
import { GraphError } from "./graph-http";

export type ThrottleSettings = {
  concurrency: number;
  requestsPerWindow: number;
  windowSeconds: number;
  retryAfterSeconds: number;
  latencyMs: number; // artificial per-request latency, so concurrency can be exercised
};

export class GraphThrottle {
  settings: ThrottleSettings = { concurrency: 4, requestsPerWindow: 10_000, windowSeconds: 600, retryAfterSeconds: 10, latencyMs: 0 };
  private inflight = new Map<string, number>();
  private windows = new Map<string, { start: number; count: number }>();

  /** Admits a request or throws the 429; call the returned release() when the response is done. */
  admit(appId: string, mailbox: string, nowMs: number): () => void {
    const key = `${appId}|${mailbox}`;
    const s = this.settings;
    const w = this.windows.get(key);
    const win = !w || nowMs - w.start >= s.windowSeconds * 1000 ? { start: nowMs, count: 0 } : w;
    this.windows.set(key, win);
    if (win.count >= s.requestsPerWindow) {
      const retry = Math.max(1, Math.ceil((win.start + s.windowSeconds * 1000 - nowMs) / 1000));
      throw new GraphError(
        429,
        "TooManyRequests",
        "Please retry again later.",
        { "Retry-After": String(retry) },
        { code: "429", message: "Please retry after", status: "429" },
      );
    }
    const n = this.inflight.get(key) ?? 0;
    if (n >= s.concurrency) {
      throw new GraphError(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.", {
        "Retry-After": String(s.retryAfterSeconds),
      });
    }
    win.count++;
    this.inflight.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inflight.get(key) ?? 1) - 1;
      if (left <= 0) this.inflight.delete(key);
      else this.inflight.set(key, left);
    };
  }

  /** Requests admitted in each (app, mailbox) pair's current window (the admin API shows them). */
  usage() {
    return [...this.windows.entries()].map(([key, w]) => {
      const [appId, mailbox] = key.split("|");
      return { appId, mailbox, requests: w.count, windowStartedAt: new Date(w.start).toISOString() };
    });
  }

  reset() {
    this.inflight.clear();
    this.windows.clear();
  }
}
