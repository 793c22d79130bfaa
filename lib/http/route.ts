import "server-only";
// The wrapper every route handler goes through: resolves the session to a scope, parses params,
// query and JSON body with zod, refuses oversized or cross-site mutations, and maps errors to
// clear 4xx JSON. Unknown errors become a bare 500 with a request id, never a stack trace.
import { randomUUID } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { z, type ZodType } from "zod";
import { getScope, type TScope } from "../auth/session";
import { badRequest, conflict, HttpError, notFound, unauthorized } from "../core/errors";
import { zodFieldErrors } from "../core/zod-fields";
import { cleanJsonStrings, readTextLimited } from "./read-body";
import { hasNul } from "../clean-text";
import { log } from "../log/logger";

export const MAX_BODY_BYTES = 64 * 1024;

type TRouteCtx<P, Q, B> = { req: NextRequest; scope: TScope; params: P; query: Q; body: B };
type TPublicCtx<P, Q, B> = Omit<TRouteCtx<P, Q, B>, "scope">;

export type TOpts<P, Q, B> = { params?: ZodType<P>; query?: ZodType<Q>; body?: ZodType<B>; maxBodyBytes?: number };

// Unique and foreign-key violations that raced past a handler's own checks (two requests at once,
// a row deleted meanwhile) are the client's conflict, not our 500.
function fromPrisma(err: unknown): HttpError | null {
  const e = err as { name?: string; code?: string; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } } | null;
  if (!e || typeof e !== "object" || e.name !== "PrismaClientKnownRequestError") return null;
  // Raw queries report the PostgreSQL SQLSTATE under P2010.
  const pg = e.meta?.driverAdapterError?.cause?.originalCode;
  if (e.code === "P2002" || pg === "23505")
    return conflict("That already exists (perhaps created at the same moment). Reload and try again.");
  if (e.code === "P2003" || pg === "23503") return conflict("Something this refers to was just removed. Reload and try again.");
  if (e.code === "P2025") return notFound();
  // Text PostgreSQL can't store, or a date outside its range: the input's fault, whatever path it took.
  if (pg === "22021" || pg === "22P05" || pg === "22008" || pg === "22007")
    return badRequest("The request contains a value that can't be stored (a NUL character or an impossible date).");
  return null;
}

export function errorResponse(err: unknown): NextResponse {
  err = fromPrisma(err) ?? err;
  if (err instanceof HttpError) {
    return NextResponse.json(
      { error: { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}) } },
      { status: err.status },
    );
  }
  const requestId = randomUUID();
  log.error("unhandled error in an API route", { requestId, err: err instanceof Error ? err : String(err) });
  return NextResponse.json(
    { error: { code: "internal", message: `Something went wrong on our side (request ${requestId}).` } },
    { status: 500 },
  );
}

async function readJson(req: NextRequest, limit: number): Promise<unknown> {
  const text = await readTextLimited(req, limit);
  if (!text) return undefined;
  if (!(req.headers.get("content-type") ?? "").includes("application/json")) throw badRequest("Send the body as application/json.");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest("The request body is not valid JSON.");
  }
  return cleanJsonStrings(parsed);
}

/** SameSite cookies stop most CSRF; this also refuses a browser mutation from another origin. */
function assertSameOrigin(req: NextRequest) {
  const origin = req.headers.get("origin");
  if (!origin) return;
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  // "null" (sandboxed frames, file:, some redirects) and anything unparseable is not our origin.
  let originHost: string | null = null;
  try {
    originHost = new URL(origin).host;
  } catch {}
  if (!originHost || originHost !== host) throw new HttpError(403, "cross_origin", "Cross-origin requests are not allowed.");
}

/** Each query parameter once: "?a=1&a=2" is ambiguous, so it is refused rather than guessed. */
function queryObject(sp: URLSearchParams): Record<string, string> {
  const out = new Map<string, string>();
  const bad: Record<string, string> = {};
  for (const [k, v] of sp) {
    const name = k.slice(0, 50);
    if (out.has(k)) bad[name] = "Given more than once.";
    else if (hasNul(k) || hasNul(v)) bad[name] = "Remove the NUL character (\\u0000).";
    else out.set(k, v);
  }
  if (Object.keys(bad).length)
    throw badRequest(`Check the query parameter${Object.keys(bad).length > 1 ? "s" : ""} ${Object.keys(bad).join(", ")}.`, bad);
  return Object.fromEntries(out);
}

export async function parseAll<P, Q, B>(req: NextRequest, rawParams: unknown, opts: TOpts<P, Q, B> & { bearer?: boolean }) {
  const parse = <T>(schema: ZodType<T> | undefined, value: unknown, where: string): T => {
    if (!schema) return value as T;
    const r = schema.safeParse(value);
    if (!r.success) {
      // Bad ids in the path answer like a missing resource, so they can't be used to probe.
      if (where === "path") throw new HttpError(404, "not_found", "Resource not found.");
      const fields = zodFieldErrors(r.error);
      const named = Object.keys(fields).filter((k) => k !== "_");
      throw badRequest(
        named.length ? `Check ${named.join(", ")}.` : `Invalid ${where}: ${r.error.issues[0]?.message ?? "unreadable"}.`,
        fields,
      );
    }
    return r.data;
  };
  const params = parse(opts.params, rawParams, "path");
  const query = parse(opts.query, queryObject(req.nextUrl.searchParams), "query");
  const isMutation = !["GET", "HEAD", "OPTIONS"].includes(req.method);
  // Bearer-key calls carry no ambient credential, so cross-site forgery doesn't apply to them.
  if (isMutation && !opts.bearer) assertSameOrigin(req);
  const body = isMutation ? parse(opts.body, await readJson(req, opts.maxBodyBytes ?? MAX_BODY_BYTES), "input") : (undefined as B);
  return { params, query, body };
}

export type TNextCtx = { params: Promise<Record<string, string | string[]>> };

export function route<P = Record<string, never>, Q = Record<string, string>, B = undefined>(
  opts: TOpts<P, Q, B>,
  handler: (ctx: TRouteCtx<P, Q, B>) => Promise<Response | unknown>,
) {
  return async (req: NextRequest, ctx: TNextCtx): Promise<Response> => {
    try {
      const scope = await getScope();
      if (!scope) throw unauthorized();
      const parsed = await parseAll(req, await ctx?.params, opts);
      const out = await handler({ req, scope, ...parsed });
      return out instanceof Response ? out : NextResponse.json(out);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** For endpoints without a staff session (consent links, monitors, setup). */
export function publicRoute<P = Record<string, never>, Q = Record<string, string>, B = undefined>(
  opts: TOpts<P, Q, B>,
  handler: (ctx: TPublicCtx<P, Q, B>) => Promise<Response | unknown>,
) {
  return async (req: NextRequest, ctx: TNextCtx): Promise<Response> => {
    try {
      const parsed = await parseAll(req, await ctx?.params, opts);
      const out = await handler({ req, ...parsed });
      return out instanceof Response ? out : NextResponse.json(out);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

export const ZId = z.string().uuid();
