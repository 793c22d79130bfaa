// What a refused OAuth callback tells the person, and the status it answers with: the callback
// route serves these itself with a 4xx, so monitors and proxies can tell a refusal from a success
// (the result page shows the same words when reached directly).
export const REFUSALS: Record<string, { title: string; body: string }> = {
  missing_state: {
    title: "This sign-in can't be matched",
    body: "Microsoft sent us back without the request's state. Start again from Consentry or from your link.",
  },
  forged_state: {
    title: "This sign-in can't be matched",
    body: "The answer carries a state Consentry never issues: it was altered or made up. Nothing was changed. Start again from Consentry or from your link.",
  },
  unknown_state: {
    title: "This sign-in can't be matched",
    body: "We don't know this request. It may be very old. Start again from Consentry or from your link.",
  },
  state_not_bound: {
    title: "Finish in the same browser",
    body: "The sign-in came back to a different browser (or cookies are blocked) than the one that started it. Start again in one browser without switching.",
  },
  session_mismatch: {
    title: "Signed in to Consentry as someone else",
    body: "The Consentry staff session changed during the sign-in. Start again.",
  },
  state_used: {
    title: "Already handled",
    body: "This sign-in result was already processed. Open the mailbox in Consentry to see its status.",
  },
  bad_callback: { title: "Unreadable answer from Microsoft", body: "The answer from Microsoft was malformed. Start again." },
  retry_unavailable: { title: "This request can't be retried", body: "It was completed, cancelled or has expired. Ask for a new link." },
  too_large: {
    title: "Request too large",
    body: "This form sends almost nothing; the request was far larger. Start again from your link.",
  },
  internal: { title: "Something went wrong on our side", body: "Please try again in a minute." },
};

/** Refusals the callback answers itself, with their status. Others (internal) keep the redirect. */
export const REFUSAL_STATUS: Record<string, number> = {
  missing_state: 400,
  forged_state: 400,
  unknown_state: 400,
  state_not_bound: 400,
  bad_callback: 400,
  session_mismatch: 403,
  state_used: 409,
};

/** Refusals of the consent routes that answer with a page themselves (retry, link start). */
export const PAGE_REFUSAL_STATUS: Record<string, number> = { ...REFUSAL_STATUS, retry_unavailable: 410, too_large: 413 };

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** A small standalone page (no script, no inline style: the CSP allows neither everywhere). */
export function refusalHtml(code: string): string {
  const r = REFUSALS[code] ?? REFUSALS.internal;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><meta name="referrer" content="no-referrer"><title>${esc(r.title)} · Consentry</title></head><body><main><h1 data-testid="result-title">${esc(r.title)}</h1><p>${esc(r.body)}</p><p><small>Consentry · Microsoft 365 access management</small></p></main></body></html>`;
}
