// Request bodies are read as a stream with a byte counter and abandoned at the limit (413), so a
// chunked upload without Content-Length can't make the process buffer it whole. Every route that
// reads a body goes through here: the wrappers in route.ts and the public routes that read forms.
import { badRequest, tooLarge } from "../core/errors";
import { cleanText, hasNul } from "../clean-text";

export async function readBodyLimited(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Stop reading, without cancel(): on Node, cancelling the body destroys the request and its
      // socket, and the client would get a reset instead of the 413. Unread bytes stay in the
      // socket (TCP backpressure) until Node closes the connection after the answer.
      reader.releaseLock();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export async function readTextLimited(req: Request, limit: number): Promise<string> {
  const buf = await readBodyLimited(req, limit);
  try {
    return utf8.decode(buf);
  } catch {
    throw badRequest("The request body is not valid UTF-8.");
  }
}

/** An application/x-www-form-urlencoded body (form posts, OAuth's form_post), bounded. */
export async function readFormLimited(req: Request, limit: number): Promise<URLSearchParams> {
  return new URLSearchParams(await readTextLimited(req, limit));
}

const MAX_DEPTH = 32;

/**
 * Walks parsed JSON once: a NUL in any string or key is a 400 naming the top-level field (PostgreSQL
 * can't store it), lone surrogates become U+FFFD, and absurd nesting is refused. Iterative, so a
 * deeply nested body can't overflow the stack.
 */
export function cleanJsonStrings(value: unknown): unknown {
  const fieldOf = (path: string[]) => path[0] ?? "_";
  const nulError = (path: string[]) => {
    const field = fieldOf(path);
    return badRequest(field === "_" ? "The body contains a NUL character (\\u0000)." : `Check ${field}.`, {
      [field]: "Remove the NUL character (\\u0000).",
    });
  };
  if (typeof value === "string") {
    if (hasNul(value)) throw nulError([]);
    return cleanText(value);
  }
  const stack: { node: Record<string, unknown> | unknown[]; path: string[] }[] = [];
  if (value && typeof value === "object") stack.push({ node: value as Record<string, unknown>, path: [] });
  while (stack.length) {
    const { node, path } = stack.pop()!;
    if (path.length > MAX_DEPTH) throw badRequest(`The body is nested more than ${MAX_DEPTH} levels deep.`);
    const keys = Array.isArray(node) ? node.map((_, i) => String(i)) : Object.keys(node);
    for (const k of keys) {
      if (hasNul(k)) throw nulError([...path, k]);
      const v = (node as Record<string, unknown>)[k];
      if (typeof v === "string") {
        if (hasNul(v)) throw nulError([...path, k]);
        (node as Record<string, unknown>)[k] = cleanText(v);
      } else if (v && typeof v === "object") stack.push({ node: v as Record<string, unknown>, path: [...path, k] });
    }
  }
  return value;
}
