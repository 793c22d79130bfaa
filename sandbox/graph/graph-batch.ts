// JSON batching: `POST /v1.0/$batch` (https://learn.microsoft.com/en-us/graph/json-batching).
// At most 20 requests, each {id, method, url (relative, no version), headers?, body?, dependsOn?};
// the batch is 200 once it parses and each request carries its own status. Requests run as Graph
// runs them: those without dependsOn at once (so each counts against the mailbox's throttling on
// its own: more than 4 at a time to one mailbox are 429 ApplicationThrottled inside a batch that
// is itself 200), those with dependsOn after what they name, 424 when that failed. Responses come
// back in an order of the sandbox's own (reversed), never the request order, so clients correlate
// by id. A non-JSON body (a message's `$value`) is base64 in the batch response.
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { GraphError, json, type GraphReq } from "./graph-http";

export const MAX_BATCH_REQUESTS = 20;

const ZStep = z.object({
  id: z.string().min(1),
  method: z.string().min(1),
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
  dependsOn: z.array(z.string()).optional(),
});
const ZBatch = z.object({ requests: z.array(z.unknown()) });

/** Graph's answer to a batch it can't take; the code and the over-20 text are Graph's (sandbox/FIDELITY.md). */
const invalid = (message = "Invalid batch payload format.") => new GraphError(400, "BadRequest", message);

export type TBatchResponse = { id: string; status: number; headers: Record<string, string>; body?: unknown };

/** Runs one request of the batch through `route` with a response that records instead of sending. */
async function runStep(
  outer: GraphReq,
  step: z.infer<typeof ZStep>,
  route: (g: GraphReq, method: string) => Promise<unknown>,
  onError: (g: GraphReq, e: unknown) => void,
): Promise<TBatchResponse> {
  let status = 200;
  let headers: Record<string, string> = {};
  let payload: Buffer = Buffer.alloc(0);
  const res = {
    writeHead(s: number, h: Record<string, string>) {
      status = s;
      headers = h;
      return res;
    },
    end(b?: string | Buffer) {
      payload = b === undefined ? Buffer.alloc(0) : Buffer.isBuffer(b) ? b : Buffer.from(b);
    },
  };
  const stepHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(outer.req.headers)) if (typeof v === "string") stepHeaders[k] = v;
  delete stepHeaders["content-type"];
  delete stepHeaders["content-length"];
  delete stepHeaders.prefer;
  for (const [k, v] of Object.entries(step.headers ?? {})) stepHeaders[k.toLowerCase()] = v;
  const rel = step.url.startsWith("/") ? step.url : `/${step.url}`;
  const url = new URL(`${new URL(outer.base).pathname}${rel}`, outer.base);
  const body =
    step.body === undefined
      ? Buffer.alloc(0)
      : typeof step.body === "string" && !/json/i.test(stepHeaders["content-type"] ?? "")
        ? Buffer.from(step.body, "base64")
        : Buffer.from(JSON.stringify(step.body));
  const g: GraphReq = {
    ...outer,
    req: { headers: stepHeaders, method: step.method.toUpperCase() } as unknown as IncomingMessage,
    res: res as unknown as ServerResponse,
    url,
    body,
    preferText: /outlook\.body-content-type\s*=\s*"?text"?/i.test(stepHeaders.prefer ?? ""),
    // A request naming its own Authorization is checked on its own.
    principal: Object.keys(step.headers ?? {}).some((k) => k.toLowerCase() === "authorization") ? undefined : outer.principal,
  };
  try {
    await route(g, step.method.toUpperCase());
  } catch (e) {
    onError(g, e);
  }
  // Only what describes the content (and a throttled request's Retry-After) is kept per response.
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (/^(content-type|retry-after|location|preference-applied|cache-control)$/i.test(k)) kept[k] = String(v);
  const ct = Object.entries(kept).find(([k]) => k.toLowerCase() === "content-type")?.[1] ?? "";
  const out: TBatchResponse = { id: step.id, status, headers: kept };
  if (payload.length) out.body = /json/i.test(ct) ? JSON.parse(payload.toString("utf8")) : payload.toString("base64");
  return out;
}

export async function runBatch(
  g: GraphReq,
  route: (g: GraphReq, method: string) => Promise<unknown>,
  onError: (g: GraphReq, e: unknown) => void,
): Promise<{ responses: TBatchResponse[] }> {
  const parsed = ZBatch.safeParse(json(g));
  if (!parsed.success) throw invalid();
  if (parsed.data.requests.length > MAX_BATCH_REQUESTS) throw invalid("Number of requests inside batch exceed the limit.");
  const steps: z.infer<typeof ZStep>[] = [];
  const ids = new Set<string>();
  for (const raw of parsed.data.requests) {
    const s = ZStep.safeParse(raw);
    if (!s.success) throw invalid();
    // ids are case-insensitive and unique in the batch; a body needs its Content-Type.
    const key = s.data.id.toLowerCase();
    if (ids.has(key) || /^\/?\$batch\b/i.test(s.data.url)) throw invalid();
    if (s.data.body !== undefined && !Object.keys(s.data.headers ?? {}).some((k) => k.toLowerCase() === "content-type")) throw invalid();
    ids.add(key);
    steps.push(s.data);
  }
  for (const s of steps)
    for (const d of s.dependsOn ?? []) if (!ids.has(d.toLowerCase()) || d.toLowerCase() === s.id.toLowerCase()) throw invalid();

  const done = new Map<string, Promise<TBatchResponse>>();
  const finished: TBatchResponse[] = [];
  const start = (s: z.infer<typeof ZStep>, seen: Set<string>): Promise<TBatchResponse> => {
    const key = s.id.toLowerCase();
    const had = done.get(key);
    if (had) return had;
    if (seen.has(key)) throw invalid(); // a dependency cycle
    seen.add(key);
    const deps = (s.dependsOn ?? []).map((d) =>
      start(
        steps.find((x) => x.id.toLowerCase() === d.toLowerCase())!,
        seen,
      ),
    );
    const p = Promise.all(deps).then(async (before) => {
      const r = before.some((b) => b.status >= 400)
        ? {
            id: s.id,
            status: 424,
            headers: { "Content-Type": "application/json" },
            body: { error: { code: "FailedDependency", message: "Failed dependency." } },
          }
        : await runStep(g, s, route, onError);
      finished.push(r);
      return r;
    });
    done.set(key, p);
    return p;
  };
  const all = steps.map((s) => start(s, new Set()));
  await Promise.all(all);
  return { responses: finished.reverse() };
}
