import "server-only";
// The token endpoint, for the three grants Consentry uses. Never throws for protocol or network
// failures: it returns a typed error the diagnostics classifier understands. No secret or token
// ever goes into an error description.
import https from "node:https";
import { z } from "zod";
import { trustedMicrosoftUrl } from "./trusted-microsoft-url";
import type { TCloud } from "./clouds";
import { activeTrace, type TraceRecorder } from "../trace/trace-context";

export type TTokenSuccess = {
  ok: true;
  accessToken: string;
  refreshToken: string | null;
  idToken: string | null;
  expiresIn: number;
  scopes: string[];
  tokenType: string;
};
export type TTokenError = {
  ok: false;
  kind: "network" | "timeout" | "http";
  status: number | null;
  error: string | null;
  aadsts: number[];
  description: string;
  suberror: string | null;
  traceId: string | null;
  correlationId: string | null;
  retryAfterSeconds: number | null;
};
export type TTokenResult = TTokenSuccess | TTokenError;
/** cloud: the tenant's cloud, whose login host the token URL must be on (unset: any enabled cloud). */
export type TClientAuth = { tokenUrl: string; cloud?: TCloud; clientId: string; clientSecret: string; timeoutMs?: number };

const ZSuccess = z.object({
  token_type: z.string(),
  access_token: z.string().min(1),
  expires_in: z.union([z.number(), z.string()]).transform(Number),
  scope: z.string().optional(),
  refresh_token: z.string().optional(),
  id_token: z.string().optional(),
});

const ZError = z.object({
  error: z.string(),
  error_description: z.string().optional(),
  error_codes: z.array(z.number()).optional(),
  suberror: z.string().optional(),
  trace_id: z.string().optional(),
  correlation_id: z.string().optional(),
});

export function aadstsCodes(text: string): number[] {
  return [...text.matchAll(/AADSTS(\d{4,8})/g)].map((m) => Number(m[1]));
}

// One keep-alive agent for every token call: a storm of refreshes reuses warm TLS connections to
// the login host (a new handshake costs two more round trips), at most TOKEN_SOCKETS per host, the
// rest queued in the agent. Redirects are never followed (node:https doesn't).
const TOKEN_SOCKETS = 64;
const agent = new https.Agent({ keepAlive: true, maxSockets: TOKEN_SOCKETS, maxFreeSockets: TOKEN_SOCKETS, scheduling: "lifo" });

type TTokenHttpResponse = { status: number; ok: boolean; headers: { get(name: string): string | null }; text: string };

function postForm(url: URL, form: string, timeoutMs: number, retried = false): Promise<TTokenHttpResponse> {
  return new Promise<TTokenHttpResponse>((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
          "content-length": Buffer.byteLength(form),
        },
        signal: AbortSignal.timeout(timeoutMs),
      },
      (r) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("error", reject);
        r.on("end", () => {
          const status = r.statusCode ?? 0;
          resolve({
            status,
            ok: status >= 200 && status < 300,
            headers: { get: (n) => [r.headers[n.toLowerCase()] ?? []].flat()[0] ?? null },
            text: Buffer.concat(chunks).toString("utf8"),
          });
        });
      },
    );
    req.on("error", (err: Error & { code?: string }) => {
      // A kept-alive connection the server closed just as it was reused: the request (almost
      // certainly) never reached it, so it is sent once more on a new connection (Node's
      // documented pattern for request.reusedSocket).
      if (!retried && req.reusedSocket && err.code === "ECONNRESET") resolve(postForm(url, form, timeoutMs, true));
      else reject(err);
    });
    req.end(form);
  });
}

async function post(auth: TClientAuth, form: Record<string, string>): Promise<TTokenResult> {
  // The secret and codes go only to the cloud's Microsoft login host, and never follow a redirect.
  const trusted = trustedMicrosoftUrl(auth.tokenUrl, auth.cloud ?? null, "token");
  if (!trusted.ok) {
    return {
      ok: false,
      kind: "http",
      status: null,
      error: "untrusted_endpoint",
      aadsts: [],
      description: `Consentry did not call the token endpoint: ${trusted.reason}`,
      suberror: null,
      traceId: null,
      correlationId: null,
      retryAfterSeconds: null,
    };
  }
  const body = new URLSearchParams({ client_id: auth.clientId, client_secret: auth.clientSecret, ...form });
  const trace = traceRequest(String(trusted.url), auth, form);
  let res: TTokenHttpResponse;
  try {
    res = await postForm(trusted.url, body.toString(), auth.timeoutMs ?? 15_000);
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string }; code?: string };
    const timedOut = e.name === "TimeoutError" || e.name === "AbortError";
    const code = e.cause?.code ?? e.code ?? null;
    trace?.add("token", "*", timedOut ? "no answer in time" : `network error ${code ?? ""}`);
    return {
      ok: false,
      kind: timedOut ? "timeout" : "network",
      status: null,
      error: code,
      aadsts: [],
      description: timedOut
        ? "The token endpoint did not answer in time."
        : `Could not reach the token endpoint (${code ?? "network error"}).`,
      suberror: null,
      traceId: null,
      correlationId: null,
      retryAfterSeconds: null,
    };
  }
  const text = res.text;
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* an HTML error page from a proxy or an outage */
  }
  traceResponse(trace, res, text, json);
  if (res.ok) {
    const s = ZSuccess.safeParse(json);
    if (s.success) {
      return {
        ok: true,
        accessToken: s.data.access_token,
        refreshToken: s.data.refresh_token ?? null,
        idToken: s.data.id_token ?? null,
        expiresIn: s.data.expires_in,
        scopes: (s.data.scope ?? "").split(" ").filter(Boolean),
        tokenType: s.data.token_type,
      };
    }
  }
  const e = ZError.safeParse(json);
  const retryAfter = Number(res.headers.get("retry-after"));
  const description = e.success ? (e.data.error_description ?? "").split("\r\n")[0] : `HTTP ${res.status} without a JSON error body.`;
  return {
    ok: false,
    kind: "http",
    status: res.status,
    error: e.success ? e.data.error : null,
    aadsts: e.success ? (e.data.error_codes?.length ? e.data.error_codes : aadstsCodes(e.data.error_description ?? "")) : [],
    description,
    suberror: e.success ? (e.data.suberror ?? null) : null,
    traceId: e.success ? (e.data.trace_id ?? null) : null,
    correlationId: e.success ? (e.data.correlation_id ?? null) : null,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
  };
}

/** The mailbox's trace (lib/trace), when on: the call without its credentials. Only the grant's
 *  shape is recorded; every credential the request carries is registered so no line can hold it. */
function traceRequest(url: string, auth: TClientAuth, form: Record<string, string>): TraceRecorder | undefined {
  const rec = activeTrace();
  if (!rec) return undefined;
  rec.secret(auth.clientSecret, form.refresh_token, form.code, form.code_verifier);
  const shown = new URLSearchParams({ client_id: auth.clientId });
  for (const [k, v] of Object.entries(form)) shown.set(k, ["grant_type", "scope", "redirect_uri"].includes(k) ? v : "[redacted]");
  shown.set("client_secret", "[redacted]");
  rec.add("token", ">", `POST ${url}`);
  rec.add("token", ">", decodeURIComponent(shown.toString().replace(/\+/g, " ")));
  return rec;
}

const TOKEN_FIELDS = ["access_token", "refresh_token", "id_token"];

function traceResponse(rec: TraceRecorder | undefined, res: TTokenHttpResponse, text: string, json: unknown) {
  if (!rec) return;
  const o = json && typeof json === "object" ? (json as Record<string, unknown>) : null;
  for (const k of TOKEN_FIELDS) if (typeof o?.[k] === "string") rec.secret(o[k] as string);
  const ra = res.headers.get("retry-after");
  rec.add("token", "<", `HTTP ${res.status}${ra ? ` · retry-after: ${ra}` : ""}`);
  if (!o) {
    rec.add("token", "<", `(${text.length} bytes, not JSON: not recorded)`);
    return;
  }
  const shown = Object.fromEntries(Object.entries(o).map(([k, v]) => [k, TOKEN_FIELDS.includes(k) ? "[redacted]" : v]));
  rec.add("token", "<", JSON.stringify(shown));
}

export function exchangeCode(
  auth: TClientAuth,
  p: { code: string; redirectUri: string; codeVerifier: string; scopes: string[] },
): Promise<TTokenResult> {
  return post(auth, {
    grant_type: "authorization_code",
    code: p.code,
    redirect_uri: p.redirectUri,
    code_verifier: p.codeVerifier,
    scope: p.scopes.join(" "),
  });
}

export function refreshAccessToken(auth: TClientAuth, p: { refreshToken: string; scopes: string[] }): Promise<TTokenResult> {
  return post(auth, { grant_type: "refresh_token", refresh_token: p.refreshToken, scope: p.scopes.join(" ") });
}

export function clientCredentials(auth: TClientAuth, p: { scope: string }): Promise<TTokenResult> {
  return post(auth, { grant_type: "client_credentials", scope: p.scope });
}
