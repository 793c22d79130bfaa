// The Graph transport: Microsoft's Graph SDK pointed at a cloud's Graph host with an access token
// (every Graph client the product creates is made here), its errors as normalized failures, and a
// message's MIME read with a byte counter.
import {
  AuthenticationHandler,
  Client as GraphClient,
  CustomAuthenticationProvider,
  HTTPMessageHandler,
  RedirectHandler,
  ResponseType,
  type Middleware,
} from "@microsoft/microsoft-graph-client";
import { graphTraceMiddleware, traceFor } from "./trace-hooks";
import { failureFromGraphResponse, failureFromNetworkError, type TMicrosoftFailure } from "../microsoft/parse-error";

export function graphClient(graphUrl: string, accessToken: string) {
  // The SDK sends the token only to hosts it knows as Graph's: national clouds and the sandbox
  // are named through customHosts. The SDK's default chain would also sleep through a 429's
  // Retry-After (up to three times) inside the call, holding a worker slot that other mailboxes
  // wait for; without its retry handler a 429 surfaces at once, as graph_throttled with its
  // Retry-After, and the sync schedules this mailbox alone after it (nextSyncDelayMs).
  const auth = new AuthenticationHandler(new CustomAuthenticationProvider((cb) => cb(null, accessToken)));
  const redirect = new RedirectHandler();
  auth.setNext(redirect);
  // Traced (the mailbox's trace switch, lib/trace): the trace middleware sits just before the HTTP
  // handler, so it sees each request (redirects included) as it goes on the wire.
  const trace = traceFor("", accessToken);
  const http = new HTTPMessageHandler();
  let last: Middleware = redirect;
  if (trace) {
    const tm = graphTraceMiddleware(trace);
    last.setNext!(tm);
    last = tm;
  }
  last.setNext!(http);
  return GraphClient.initWithMiddleware({
    baseUrl: `${graphUrl.replace(/\/$/, "")}/`,
    defaultVersion: "v1.0",
    customHosts: new Set([new URL(graphUrl).hostname]),
    middleware: auth,
  });
}

export function graphFailure(err: unknown): TMicrosoftFailure {
  const e = err as { statusCode?: number; code?: string; message?: string; headers?: Headers };
  if (typeof e.statusCode === "number" && e.statusCode > 0)
    return failureFromGraphResponse(
      e.statusCode,
      { error: { code: e.code, message: e.message } },
      { "retry-after": e.headers?.get?.("retry-after") ?? null },
    );
  return failureFromNetworkError(err);
}

/** A binary Graph resource (a message's `$value`), or no buffer past `max` bytes: the download
 *  stops there (Graph's message has no size before download). `size` is what was declared or seen.
 *  A Graph error throws as the SDK's would, so graphFailure() reads it. */
export async function graphReadCapped(
  client: ReturnType<typeof graphClient>,
  path: string,
  max: number,
): Promise<{ buf: Buffer | null; size: number }> {
  const res = (await client.api(path).responseType(ResponseType.RAW).get()) as Response;
  if (!res.ok) {
    const j = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw Object.assign(new Error(j.error?.message ?? `HTTP ${res.status}`), {
      statusCode: res.status,
      code: j.error?.code,
      headers: res.headers,
    });
  }
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > max) {
    await res.body?.cancel().catch(() => undefined);
    return { buf: null, size: declared };
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body?.getReader();
  for (;;) {
    const r = reader ? await reader.read() : { done: true as const, value: undefined };
    if (r.done) break;
    size += r.value.byteLength;
    if (size > max) {
      await reader!.cancel().catch(() => undefined);
      return { buf: null, size };
    }
    chunks.push(r.value);
  }
  return { buf: Buffer.concat(chunks, size), size };
}

/** At most `n` requests at once to one mailbox (Microsoft's limit is 4 per app and mailbox,
 *  https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits), in turn. */
export type TSlots = { run<T>(fn: () => Promise<T>, first?: boolean): Promise<T> };
export function requestSlots(n: number): TSlots {
  let busy = 0;
  const waiting: (() => void)[] = [];
  return {
    /** `first`: ahead of those waiting (the next delta page, so paging stays ahead of the downloads). */
    async run<T>(fn: () => Promise<T>, first = false): Promise<T> {
      if (busy >= n) await new Promise<void>((r) => (first ? waiting.unshift(r) : waiting.push(r)));
      else busy++;
      try {
        return await fn();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else busy--;
      }
    },
  };
}

/** A message's MIME from a batch: its bytes (none past the limit, with the size seen), or gone (404). */
export type TGraphMime = { buf: Buffer | null; size: number } | "gone";

/** Graph's per-request answer inside a batch, as an error graphFailure() reads. */
function batchItemError(r: { status: number; headers?: Record<string, string>; body?: unknown }) {
  const e = (r.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return Object.assign(new Error(e?.message ?? `HTTP ${r.status}`), {
    statusCode: r.status,
    code: e?.code,
    headers: new Headers(r.headers ?? {}),
  });
}

/**
 * Messages' MIME (`$value`) through JSON batching (https://learn.microsoft.com/en-us/graph/json-batching):
 * up to 20 requests a batch, each depending on the one before, so a batch holds one of the
 * mailbox's 4 concurrent requests at a time, and as many batches at once as `slots` allows (the
 * mailbox's 4, shared with the caller's delta paging), each round trip carrying 20 messages. A request throttled inside the
 * batch (429, and the 424s queued behind it) goes again after its Retry-After, up to
 * `maxWaitSeconds`; a longer wait throws the 429 (the round resumes later from its saved page). A
 * message gone meanwhile (404) is "gone"; any other failure throws as the SDK's would. A batch
 * whose response passes a fifth of `maxBatchBytes` (with base64's growth) is dropped and its
 * messages read one by one with the byte counter, so batches of huge mail never sit in memory. `spend(n)` counts
 * requests against the mailbox's budget.
 */
export async function graphBatchMime(
  client: ReturnType<typeof graphClient>,
  userPath: string,
  ids: string[],
  opts: {
    maxMessageBytes: number;
    maxBatchBytes: number;
    /** The mailbox's request slots, shared with the caller's other requests (default: 4 of its own). */
    slots?: TSlots;
    maxWaitSeconds?: number;
    spend?: (n: number) => void;
  },
): Promise<Map<string, TGraphMime>> {
  const out = new Map<string, TGraphMime>();
  const slots = opts.slots ?? requestSlots(4);
  // A page's batches are held until stored: each at most a fifth of a store batch's bytes (a batch
  // of larger mail is read again message by message, each cut at the per-message limit).
  const capBytes = Math.ceil((opts.maxBatchBytes / 5) * 1.4) + 64 * 1024;
  let queue = [...ids];
  while (queue.length) {
    const chunks: string[][] = [];
    for (let i = 0; i < queue.length; i += 20) chunks.push(queue.slice(i, i + 20));
    const again: string[] = [];
    let wait = 0;
    let last429: Error | undefined;
    const one = async (chunk: string[]) => {
      opts.spend?.(chunk.length);
      const body = {
        requests: chunk.map((id, i) => ({
          id: String(i + 1),
          method: "GET",
          url: `${userPath}/messages/${id}/$value`,
          ...(i ? { dependsOn: [String(i)] } : {}),
        })),
      };
      const res = (await client.api("/$batch").responseType(ResponseType.RAW).post(body)) as Response;
      const text = await readTextCapped(res, capBytes);
      if (res.status === 429) {
        // The batch itself throttled: all of it again after its Retry-After.
        again.push(...chunk);
        wait = Math.max(wait, Number(res.headers.get("retry-after")) || 1);
        last429 = batchItemError({ status: 429, headers: Object.fromEntries(res.headers.entries()) });
        return;
      }
      if (!res.ok) {
        const j = (() => {
          try {
            return JSON.parse(text ?? "{}") as { error?: unknown };
          } catch {
            return {};
          }
        })();
        throw batchItemError({ status: res.status, headers: Object.fromEntries(res.headers.entries()), body: j });
      }
      if (text === null) {
        // Too large to hold as one batch: each message on its own, cut at the per-message limit.
        for (const id of chunk) {
          opts.spend?.(1);
          out.set(id, await graphReadCapped(client, `${userPath}/messages/${id}/$value`, opts.maxMessageBytes));
        }
        return;
      }
      const parsed = JSON.parse(text) as { responses: { id: string; status: number; headers?: Record<string, string>; body?: unknown }[] };
      for (const r of parsed.responses) {
        const id = chunk[Number(r.id) - 1];
        if (id === undefined) continue;
        if (r.status === 200) {
          const buf =
            typeof r.body === "string" ? Buffer.from(r.body, "base64") : Buffer.from(r.body === undefined ? "" : JSON.stringify(r.body));
          out.set(id, buf.length > opts.maxMessageBytes ? { buf: null, size: buf.length } : { buf, size: buf.length });
        } else if (r.status === 404) out.set(id, "gone");
        else if (r.status === 429 || r.status === 424) {
          again.push(id);
          if (r.status === 429) {
            const h = Object.entries(r.headers ?? {}).find(([k]) => k.toLowerCase() === "retry-after")?.[1];
            wait = Math.max(wait, Number(h) || 1);
            last429 = batchItemError(r);
          }
        } else throw batchItemError(r);
      }
    };
    await Promise.all(chunks.map((c) => slots.run(() => one(c))));
    queue = again;
    if (!queue.length) break;
    // Only 424s (a dependency failed without a 429): send them again at once.
    if (last429 && wait > (opts.maxWaitSeconds ?? 30)) throw last429;
    if (wait) await new Promise((r) => setTimeout(r, wait * 1000));
  }
  return out;
}

/** `fn`, again after Graph's Retry-After when it answers 429 (throttled), while that wait is at
 *  most `maxWaitSeconds`; a longer one (or any other failure) throws. */
export async function graphRetrying<T>(fn: () => Promise<T>, maxWaitSeconds = 30): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      const e = err as { statusCode?: number; headers?: Headers };
      const wait = Number(e.headers?.get?.("retry-after")) || 1;
      if (e.statusCode !== 429 || wait > maxWaitSeconds) throw err;
      await new Promise((r) => setTimeout(r, wait * 1000));
    }
  }
}

/** A response's text, or null past `max` bytes (the download stops there). */
async function readTextCapped(res: Response, max: number): Promise<string | null> {
  const reader = res.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const r = reader ? await reader.read() : { done: true as const, value: undefined };
    if (r.done) break;
    size += r.value.byteLength;
    if (size > max) {
      await reader!.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(r.value);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}
