// Errors the HTTP layer turns into clear 4xx answers. Anything else becomes a generic 500
// without details (logged server-side, never shown).
export class HttpError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public fields?: Record<string, string>,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export const badRequest = (message: string, fields?: Record<string, string>) => new HttpError(400, "validation", message, fields);
export const unauthorized = () => new HttpError(401, "unauthorized", "Sign in to continue.");
export const forbidden = (message = "Your role can't make this change.") => new HttpError(403, "forbidden", message);
// A foreign id and a missing id get this same answer, so ids can't be probed.
export const notFound = (what = "Resource") => new HttpError(404, "not_found", `${what} not found.`);
export const conflict = (message: string, fields?: Record<string, string>) => new HttpError(409, "conflict", message, fields);
export const tooLarge = (limit: number) => new HttpError(413, "too_large", `Request body is larger than ${limit} bytes.`);
