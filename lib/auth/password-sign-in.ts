import "server-only";
// Email + password sign-in: throttle, verify (bounded hashing), re-hash old parameters.
import { db } from "../db/client";
import { claimLoginAttempt, forgetLoginAttempt, recordLoginSuccess } from "./login-rate-limit";
import { hashPassword, needsRehash, verifyPassword } from "./password";

export type TSignInResult =
  | { ok: true; user: { id: string; email: string; name: string } }
  | { ok: false; error: "CredentialsSignin" | "RateLimited" | "Busy"; retryAfterSeconds?: number };

// scrypt at OWASP's cost takes 128 MiB and a core for a fraction of a second: a few at a time per
// process, a short queue, and "try again" beyond it, so a flood of sign-ins can't exhaust memory.
const HASH_SLOTS = 2;
const HASH_QUEUE = 8;
let running = 0;
const waiting: (() => void)[] = [];

async function withHashSlot<T>(fn: () => Promise<T>): Promise<T | "busy"> {
  if (running >= HASH_SLOTS) {
    if (waiting.length >= HASH_QUEUE) return "busy";
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else running++;
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export async function signInWithPassword(p: { email: string; password: string; ip: string }): Promise<TSignInResult> {
  const claim = await claimLoginAttempt(p.email, p.ip);
  if (!claim.allowed) return { ok: false, error: "RateLimited", retryAfterSeconds: claim.retryAfterSeconds };
  const user = await db().staffUser.findUnique({ where: { email: p.email }, omit: { passwordHash: false } });
  // An unknown email verifies against a dummy hash of today's cost: same timing, same bound.
  const verified = await withHashSlot(() => verifyPassword(p.password, user?.passwordHash));
  if (verified === "busy") {
    await forgetLoginAttempt(claim.id);
    return { ok: false, error: "Busy" };
  }
  if (!verified || !user || user.isDisabled) return { ok: false, error: "CredentialsSignin" };
  await recordLoginSuccess(claim.id, p.email, p.ip);
  const rehash = needsRehash(user.passwordHash) ? await withHashSlot(() => hashPassword(p.password)) : null;
  await db().staffUser.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  // Only replaces the hash it verified, so a password changed meanwhile isn't overwritten.
  if (typeof rehash === "string")
    await db().staffUser.updateMany({ where: { id: user.id, passwordHash: user.passwordHash }, data: { passwordHash: rehash } });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
}
