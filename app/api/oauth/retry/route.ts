// "Try again" on a consent link's result page: starts a new round trip for the same link.
import { NextResponse, type NextRequest } from "next/server";
import { consentRequestForRetry } from "@/lib/consent/get-result";
import { startFromLink } from "@/lib/consent/start-consent";
import { setStateCookie } from "@/lib/consent/state-cookie";
import { publicUrl } from "@/lib/http/public-url";

export async function POST(req: NextRequest) {
  const form = new URLSearchParams((await req.text()).slice(0, 4096));
  const id = await consentRequestForRetry(form.get("state") ?? "");
  if (!id) return NextResponse.redirect(publicUrl("/oauth/result?error=retry_unavailable"), 303);
  try {
    const started = await startFromLink(id);
    return setStateCookie(NextResponse.redirect(started.url, 303), started.state);
  } catch {
    return NextResponse.redirect(publicUrl("/oauth/result?error=retry_unavailable"), 303);
  }
}
