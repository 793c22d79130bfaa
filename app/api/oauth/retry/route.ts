// "Try again" on a consent link's result page: starts a new round trip for the same link.
import { NextResponse, type NextRequest } from "next/server";
import { consentRequestForRetry } from "@/lib/consent/get-result";
import { startFromLink } from "@/lib/consent/start-consent";
import { setStateCookie } from "@/lib/consent/state-cookie";
import { readFormLimited } from "@/lib/http/read-body";
import { PAGE_REFUSAL_STATUS, refusalHtml } from "@/lib/consent/refusal-text";
import type { HttpError } from "@/lib/core/errors";

// A refusal is this page with a 4xx (not a redirect to the result page, which would answer 200).
function refused(code: "retry_unavailable" | "too_large" | "bad_callback") {
  return new NextResponse(refusalHtml(code), {
    status: PAGE_REFUSAL_STATUS[code],
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

export async function POST(req: NextRequest) {
  const form = await readFormLimited(req, 4096).catch((e: unknown) => e as HttpError);
  if (!(form instanceof URLSearchParams)) return refused(form.status === 413 ? "too_large" : "bad_callback");
  const states = form.getAll("state");
  // One state of printable text, as our own result page posts it.
  if (states.length !== 1 || states[0].length > 200 || /[\u0000-\u001f\u007f]/.test(states[0])) return refused("bad_callback");
  const id = await consentRequestForRetry(states[0]);
  if (!id) return refused("retry_unavailable");
  try {
    const started = await startFromLink(id);
    return setStateCookie(NextResponse.redirect(started.url, 303), started.state);
  } catch {
    return refused("retry_unavailable");
  }
}
