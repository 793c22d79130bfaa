// Production Content-Security-Policy with a fresh nonce per request: Next reads the nonce from the
// request's CSP header and puts it on its own scripts, so no inline script runs without it
// ('strict-dynamic' lets those scripts load the app's chunks). Styles keep 'unsafe-inline':
// React writes style attributes. Dev needs eval, so the policy applies to production builds.
import { NextResponse, type NextRequest } from "next/server";

function cspFor(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    // Forms may hand over to Microsoft's sign-in.
    "form-action 'self' https: http://localhost:* http://127.0.0.1:*",
  ].join("; ");
}

export function proxy(request: NextRequest) {
  if (process.env.NODE_ENV !== "production") return NextResponse.next();
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = cspFor(nonce);
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("Content-Security-Policy", csp);
  return res;
}

// Pages only. Next clones the request body of every request the proxy sees (draining the socket and
// holding up to proxyClientMaxBodySize, twice) before the route runs, which defeated the API
// routes' byte counters: a 10 MB chunked body was read whole before their 413. API answers (JSON,
// and the consent routes' script-free refusal pages) get a static CSP from next.config.ts instead.
export const config = { matcher: ["/((?!api/|_next/static|_next/image|favicon.ico).*)"] };
