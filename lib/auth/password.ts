// scrypt password hashes ("scrypt$N$r$p$salt$hash"), compared in constant time. Cost follows the
// OWASP Password Storage Cheat Sheet (scrypt N=2^17, r=8, p=1); older hashes still verify and are
// re-hashed at the next successful sign-in (needsRehash).
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

const N = 2 ** 17;
const R = 8;
const P = 1;
const KEYLEN = 32;
// Refuse stored parameters beyond this, so a bad row can't make one sign-in take gigabytes.
const MAX_N = 2 ** 20;

function scrypt(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  // scrypt needs 128·N·r bytes (128 MiB at N=2^17, r=8); Node's default maxmem is 32 MiB.
  const maxmem = 128 * (opts.N ?? N) * (opts.r ?? R) * (opts.p ?? P) + 32 * 1024 * 1024;
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, KEYLEN, { ...opts, maxmem }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, { N, r: R, p: P });
  return ["scrypt", N, R, P, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

// Same parameters as a fresh hash, so an unknown email costs what a known one does.
const DUMMY = ["scrypt", N, R, P, "A".repeat(22), "A".repeat(43)].join("$");

export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  // Hash anyway when there is no stored hash, so timing doesn't reveal which emails exist.
  const parts = (stored ?? DUMMY).split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [, n, r, p, salt, hash] = parts;
  const opts = { N: Number(n), r: Number(r), p: Number(p) };
  if (![opts.N, opts.r, opts.p].every(Number.isSafeInteger) || opts.N > MAX_N || opts.r > 32 || opts.p > 16 || opts.N < 2) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await scrypt(password, Buffer.from(salt, "base64url"), opts);
  return stored != null && expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** True when a stored hash was made with weaker parameters than today's (re-hash it on sign-in). */
export function needsRehash(stored: string | null | undefined): boolean {
  const parts = (stored ?? "").split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  return Number(parts[1]) < N || Number(parts[2]) < R || Number(parts[3]) < P;
}
