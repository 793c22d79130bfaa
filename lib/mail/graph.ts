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
