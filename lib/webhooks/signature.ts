// Consentry-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">. The timestamp is
// signed so a captured delivery can't be replayed later; receivers check it is recent. During a
// secret rotation's grace period the header carries one v1 per secret (new first), like Stripe,
// and a receiver accepts the delivery when any of them matches its secret.
import { createHmac, timingSafeEqual } from "node:crypto";

export function signPayload(secret: string | string[], body: string, t = Math.floor(Date.now() / 1000)): string {
  const secrets = Array.isArray(secret) ? secret : [secret];
  return [`t=${t}`, ...secrets.map((s) => `v1=${createHmac("sha256", s).update(`${t}.${body}`).digest("hex")}`)].join(",");
}

/** What a receiver does (documented in the README): true only for a fresh, matching signature.
 *  Never throws: a v1 of the wrong length is simply no match (timingSafeEqual throws on it). */
export function verifySignature(
  secret: string,
  header: string | null | undefined,
  body: string,
  toleranceSeconds = 300,
  now = Date.now(),
): boolean {
  if (!header) return false;
  const items = header.split(",").map((p) => p.trim().split("=", 2) as [string, string | undefined]);
  const t = Number(items.find(([k]) => k === "t")?.[1]);
  if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > toleranceSeconds) return false;
  const want = Buffer.from(createHmac("sha256", secret).update(`${t}.${body}`).digest("hex"));
  return items.some(([k, v]) => {
    if (k !== "v1" || !v) return false;
    const got = Buffer.from(v);
    return want.length === got.length && timingSafeEqual(want, got);
  });
}
