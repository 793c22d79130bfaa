import { z, type ZodError } from "zod";

/** First message per top-level field, for showing next to form inputs. */
export function zodFieldErrors(err: ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of err.issues) {
    const key = issue.path.length ? String(issue.path[0]) : "_";
    if (!(key in out)) out[key] = issue.message;
  }
  return out;
}

/**
 * A date or date-time filter from a query string. zod's formats accept year 0000 and dates that
 * PostgreSQL or JavaScript can't hold; anything outside 1970–9999 is a 400, not a 500 later.
 */
export const ZDateParam = z
  .string()
  .datetime({ offset: true })
  .or(z.string().date())
  .refine((s) => {
    const t = new Date(s).getTime();
    return Number.isFinite(t) && t >= 0 && t < Date.UTC(10000, 0, 1);
  }, "Enter a date between 1970 and 9999.");
