import { createHash, randomBytes } from "node:crypto";

export function randomUrlToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** RFC 7636 S256: the challenge is base64url(sha256(verifier)). */
export function createPkcePair(): { verifier: string; challenge: string; method: "S256" } {
  const verifier = randomUrlToken(48);
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url"), method: "S256" };
}
