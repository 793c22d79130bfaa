// PostgreSQL text can't hold NUL (U+0000), and a lone UTF-16 surrogate has no UTF-8 form (the
// driver would silently turn it into U+FFFD). One cleaner for everything we store from outside:
// mail headers pulled by sync and strings in API input.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const hasNul = (s: string) => s.includes("\u0000");

/** Drops NULs and replaces lone surrogates with U+FFFD, so the text always fits a text column. */
export function cleanText(s: string): string;
export function cleanText(s: string | null | undefined): string | null;
export function cleanText(s: string | null | undefined): string | null {
  if (s == null) return null;
  return s.replace(/\u0000/g, "").replace(LONE_SURROGATE, "\uFFFD");
}
