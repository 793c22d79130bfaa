// "Try again" on a consent link's result page: starts a new round trip for the same link.
import { NextResponse, type NextRequest } from "next/server";
import { consentRequestForRetry } from "@/lib/consent/get-result";
import { startFromLink } from "@/lib/consent/start-consent";
import { setStateCookie } from "@/lib/consent/state-cookie";
import { publicUrl } from "@/lib/http/public-url";
import { readFormLimited } from "@/lib/http/read-body";

export async function POST(req: NextRequest) {
  const form = await readFormLimited(req, 4096).catch(() => null);
  const id = form ? await consentRequestForRetry(form.get("state") ?? "") : null;
  if (!id) return NextResponse.redirect(publicUrl("/oauth/result?error=retry_unavailable"), 303);
  try {
    const started = await startFromLink(id);
    return setStateCookie(NextResponse.redirect(started.url, 303), started.state);
  } catch {
    return NextResponse.redirect(publicUrl("/oauth/result?error=retry_unavailable"), 303);
  }
}
