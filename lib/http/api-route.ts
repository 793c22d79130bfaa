import "server-only";
// The wrapper for the REST API (/api/v1): an API key instead of a staff session, the same zod
// parsing and error shape as the dashboard's routes, a permission per endpoint, and a per-key
// rate limit (per process) answered like Graph's: 429 with Retry-After.
import { NextResponse, type NextRequest } from "next/server";
import { authenticateApiKey, type TApiKeyScope, type TApiScope } from "../api-keys/api-keys";
import { HttpError } from "../core/errors";
import { env } from "../env";
import { errorResponse, parseAll, type TNextCtx, type TOpts } from "./route";

const windows = new Map<string, { start: number; n: number }>();

function rateLimit(keyId: string) {
  const now = Date.now();
  const w = windows.get(keyId);
  if (!w || now - w.start >= 60_000) {
    windows.set(keyId, { start: now, n: 1 });
    return;
  }
  const limit = env().API_RATE_PER_MINUTE;
  if (++w.n > limit) {
    const err = new HttpError(
      429,
      "rate_limited",
      `Too many requests for this API key (${limit} a minute). Retry after the Retry-After seconds.`,
    );
    (err as HttpError & { retryAfter?: number }).retryAfter = Math.ceil((w.start + 60_000 - now) / 1000);
    throw err;
  }
}

function bearer(req: NextRequest): string | null {
  const h = req.headers.get("authorization") ?? "";
  const m = h.match(/^Bearer\s+(\S+)$/i);
  return m ? m[1] : null;
}

type TApiCtx<P, Q, B> = { req: NextRequest; api: TApiScope; params: P; query: Q; body: B };

export function apiRoute<P = Record<string, never>, Q = Record<string, string>, B = undefined>(
  opts: TOpts<P, Q, B> & { needs: TApiKeyScope },
  handler: (ctx: TApiCtx<P, Q, B>) => Promise<Response | unknown>,
) {
  return async (req: NextRequest, ctx: TNextCtx): Promise<Response> => {
    try {
      const api = await authenticateApiKey(bearer(req));
      if (!api) {
        return NextResponse.json(
          {
            error: {
              code: "unauthorized",
              message: "Send a valid API key as `Authorization: Bearer csk_…` (Settings → API keys). It may have been revoked or expired.",
            },
          },
          { status: 401, headers: { "www-authenticate": 'Bearer realm="consentry"' } },
        );
      }
      rateLimit(api.keyId);
      if (!api.scopes.includes(opts.needs)) throw new HttpError(403, "forbidden", `This API key lacks the "${opts.needs}" permission.`);
      const parsed = await parseAll(req, await ctx?.params, { ...opts, bearer: true });
      const out = await handler({ req, api, ...parsed });
      return out instanceof Response ? out : NextResponse.json(out);
    } catch (err) {
      const res = errorResponse(err);
      const retryAfter = (err as { retryAfter?: number }).retryAfter;
      if (retryAfter) res.headers.set("retry-after", String(retryAfter));
      return res;
    }
  };
}
