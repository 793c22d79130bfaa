import "server-only";
// The OAuth state also lives in an httpOnly cookie, so the callback only completes in the
// browser that started the round trip.
import type { NextResponse } from "next/server";
import { env } from "../env";
import { STATE_COOKIE, STATE_TTL_MS } from "./start-consent";

export function setStateCookie(res: NextResponse, state: string) {
  res.cookies.set(STATE_COOKIE, state, {
    httpOnly: true,
    // Lax: the cookie must ride along on Microsoft's top-level redirect back to us.
    sameSite: "lax",
    secure: env().CONSENTRY_PUBLIC_URL.startsWith("https://"),
    path: "/api/oauth",
    maxAge: Math.floor(STATE_TTL_MS / 1000),
  });
  return res;
}
