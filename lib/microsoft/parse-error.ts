// The one normalized, redacted shape every Microsoft failure takes for the classifier, and the
// parsers for the token endpoint, authorize redirects, Graph responses and network errors. The
// mail protocols' replies are parsed by their transports in lib/mail (imap.ts, pop3.ts, smtp.ts).
import type { TTokenError } from "./token-client";

export type TMicrosoftFailure = {
  source: "token" | "authorize" | "admin_consent" | "imap" | "pop" | "smtp" | "graph" | "network" | "discovery";
  status?: number;
  error?: string;
  aadsts?: number[];
  suberror?: string;
  smtpCode?: number;
  enhancedCode?: string;
  graphCode?: string;
  imapKind?: "auth_failed" | "not_connected" | "throttled" | "connection_limit" | "bye" | "other";
  retryAfterSeconds?: number;
  networkCode?: string;
  message: string;
};

/** Strips anything that could be a credential before a reply is stored or shown. */
export function redact(text: string): string {
  return (
    text
      .replace(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, "[token]")
      .replace(/(Bearer\s+)[^\s"']+/gi, "$1[token]")
      .replace(/((?:client_secret|refresh_token|access_token|code|password)=)[^&\s"]+/gi, "$1[redacted]")
      // Long opaque runs are redacted, but not host names (Exchange puts its server's in replies).
      .replace(/[A-Za-z0-9+/_~.-]{40,}={0,2}/g, (m) => (/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/.test(m) ? m : "[redacted]"))
  );
}

const codesIn = (t: string) => [...t.matchAll(/AADSTS(\d{4,8})/g)].map((m) => Number(m[1]));

export function failureFromTokenError(e: TTokenError): TMicrosoftFailure {
  if (e.kind !== "http")
    return { source: "network", networkCode: e.kind === "timeout" ? "ETIMEDOUT" : (e.error ?? "ENETWORK"), message: redact(e.description) };
  return {
    source: "token",
    status: e.status ?? undefined,
    error: e.error ?? undefined,
    aadsts: e.aadsts,
    suberror: e.suberror ?? undefined,
    retryAfterSeconds: e.retryAfterSeconds ?? undefined,
    message: redact(e.description),
  };
}

export function failureFromRedirect(p: {
  error: string;
  error_description?: string;
  source?: "authorize" | "admin_consent";
}): TMicrosoftFailure {
  const d = (p.error_description ?? "").replace(/\+/g, " ");
  let text = d;
  try {
    text = decodeURIComponent(d);
  } catch {
    /* already decoded */
  }
  return { source: p.source ?? "authorize", error: p.error, aadsts: codesIn(text), message: redact(text.split(/\r?\n/)[0] || p.error) };
}

export function failureFromGraphResponse(status: number, body: unknown, headers?: Record<string, string | null>): TMicrosoftFailure {
  const e = (body as { error?: { code?: string; message?: string } } | null)?.error;
  const ra = Number(headers?.["retry-after"] ?? NaN);
  return {
    source: "graph",
    status,
    graphCode: e?.code,
    retryAfterSeconds: Number.isFinite(ra) ? ra : undefined,
    message: redact(e?.message ?? `HTTP ${status}`),
  };
}

export function failureFromNetworkError(err: unknown): TMicrosoftFailure {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = e?.cause?.code ?? e?.code ?? (e?.name === "TimeoutError" || e?.name === "AbortError" ? "ETIMEDOUT" : "ENETWORK");
  return { source: "network", networkCode: code, message: redact(e?.message ?? String(err)) };
}
