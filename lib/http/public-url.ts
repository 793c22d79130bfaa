import "server-only";
import { env } from "../env";

/** Absolute URL on the app's public origin. Never built from the request's Host header, which
 *  a proxy (or Next itself) may rewrite, and which an attacker controls. */
export function publicUrl(pathAndQuery: string): URL {
  return new URL(pathAndQuery, env().CONSENTRY_PUBLIC_URL);
}
