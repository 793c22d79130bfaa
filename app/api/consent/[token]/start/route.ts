// A consent link's "Continue to Microsoft" button (a plain form POST: works without JavaScript).
import { NextResponse, type NextRequest } from "next/server";
import { resolveConsentLink } from "@/lib/consent/consent-links";
import { startFromLink } from "@/lib/consent/start-consent";
import { setStateCookie } from "@/lib/consent/state-cookie";
import { publicUrl } from "@/lib/http/public-url";
import { readBodyLimited } from "@/lib/http/read-body";
import { PAGE_REFUSAL_STATUS, refusalHtml } from "@/lib/consent/refusal-text";
import { log } from "@/lib/log/logger";

export async function POST(req: NextRequest, ctx: { params: Promise<{ token: string }> }) {
  const { token } = await ctx.params;
  // The button posts an empty form: anything large is refused while it is still arriving (a byte
  // counter, never buffered whole), as a page with its status.
  if ((await readBodyLimited(req, 4096).catch(() => null)) === null)
    return new NextResponse(refusalHtml("too_large"), {
      status: PAGE_REFUSAL_STATUS.too_large,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    });
  const back = publicUrl(`/consent/${encodeURIComponent(token)}`);
  if (token.length > 100) return NextResponse.redirect(publicUrl("/consent/invalid"), 303);
  const { state, request } = await resolveConsentLink(token);
  if (state !== "ok" || !request) return NextResponse.redirect(back, 303);
  try {
    const started = await startFromLink(request.id);
    return setStateCookie(NextResponse.redirect(started.url, 303), started.state);
  } catch (err) {
    log.error("consent link start failed", { err: err instanceof Error ? err : String(err) });
    back.searchParams.set("error", "start_failed");
    return NextResponse.redirect(back, 303);
  }
}
