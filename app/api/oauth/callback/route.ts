// OAuth redirect for user and admin consent. Always ends on a page, never a bare 400: a refused
// callback (forged, unknown, unbound or replayed state) is answered here with its explanation and
// a 4xx status, since a redirect to a page would answer 200 (the App Router can't set a page's status).
import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { getScope } from "@/lib/auth/session";
import { handleCallback } from "@/lib/consent/handle-callback";
import { STATE_COOKIE } from "@/lib/consent/start-consent";
import { publicUrl } from "@/lib/http/public-url";
import { readFormLimited } from "@/lib/http/read-body";
import { cleanText } from "@/lib/clean-text";
import { REFUSAL_STATUS, refusalHtml } from "@/lib/consent/refusal-text";
import { log } from "@/lib/log/logger";

function refused(code: string) {
  const res = new NextResponse(refusalHtml(code), {
    status: REFUSAL_STATUS[code] ?? 400,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
  res.cookies.delete({ name: STATE_COOKIE, path: "/api/oauth" });
  return res;
}

const ZQuery = z.object({
  code: z.string().max(4096).optional(),
  state: z.string().max(200).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(4096).optional(),
  admin_consent: z.string().max(10).optional(),
  tenant: z.string().max(200).optional(),
  scope: z.string().max(4096).optional(),
});

async function handle(req: NextRequest, params: URLSearchParams) {
  const keys = [...params.keys()];
  // A repeated parameter (two states, two codes) is ambiguous: refused, never guessed.
  const parsed =
    new Set(keys).size === keys.length ? ZQuery.safeParse(Object.fromEntries([...params].map(([k, v]) => [k, cleanText(v)]))) : null;
  if (!parsed?.success) return refused("bad_callback");
  try {
    const scope = await getScope();
    const out = await handleCallback({
      query: parsed.data,
      cookieState: req.cookies.get(STATE_COOKIE)?.value,
      staffUserId: scope?.staffUserId ?? null,
    });
    const refusal = /^\/oauth\/result\?error=([a-z_]+)$/.exec(out.redirect)?.[1];
    if (refusal && refusal in REFUSAL_STATUS) return refused(refusal);
    const res = NextResponse.redirect(publicUrl(out.redirect), 303);
    res.cookies.delete({ name: STATE_COOKIE, path: "/api/oauth" });
    return res;
  } catch (err) {
    log.error("OAuth callback failed", { err: err instanceof Error ? err : String(err) });
    return NextResponse.redirect(publicUrl("/oauth/result?error=internal"), 303);
  }
}

export async function GET(req: NextRequest) {
  return handle(req, req.nextUrl.searchParams);
}

// response_mode=form_post
export async function POST(req: NextRequest) {
  // Read with a byte counter: a chunked body can't be buffered whole before the size check.
  const form = await readFormLimited(req, 64 * 1024).catch(() => null);
  if (!form) return refused("bad_callback");
  return handle(req, form);
}
