import "server-only";
// Sign-in throttling, in PostgreSQL so it holds across web processes. Each attempt is recorded
// first and counted after (one INSERT, then one COUNT), so concurrent guesses can't all pass a
// check made before any of them was written. Failures slow down the email+address pair that made
// them (exponential, capped) instead of locking the account, so a stranger can't lock a staff
// member out. Looser limits per address (password spraying) and per email from addresses that
// never signed in to it (guesses spread over many addresses) bound what a botnet gets.
import { db } from "../db/client";
import { env } from "../env";

export type TClaim = { allowed: true; id: string } | { allowed: false; retryAfterSeconds: number };

const FIRST_DELAY_SECONDS = 30;
const MAX_DELAY_SECONDS = 15 * 60;

/** Seconds to wait after the last failure once `failures` (this one included) passes `limit`:
 *  30 s, then doubling, at most 15 minutes. */
export function delayFor(failures: number, limit: number): number {
  if (failures <= limit) return 0;
  return Math.min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS * 2 ** Math.min(20, failures - limit - 1));
}

type TCounts = {
  now: Date;
  pair: number;
  pairLast: Date | null;
  ip: number;
  ipLast: Date | null;
  email: number;
  emailLast: Date | null;
  knownIp: boolean;
};

export async function claimLoginAttempt(email: string, ip: string): Promise<TClaim> {
  const { LOGIN_MAX_FAILURES: max, LOGIN_WINDOW_MINUTES: windowMinutes } = env();
  // Recorded as a failure until it proves otherwise; deleted again if refused here.
  const row = await db().loginAttempt.create({ data: { email, ip, isSuccess: false }, select: { id: true } });
  const [c] = await db().$queryRaw<TCounts[]>`
    SELECT now() AS "now",
      count(*) FILTER (WHERE "email" = ${email} AND "ip" = ${ip})::int AS "pair",
      max("createdAt") FILTER (WHERE "email" = ${email} AND "ip" = ${ip} AND "id" <> ${row.id}) AS "pairLast",
      count(*) FILTER (WHERE "ip" = ${ip})::int AS "ip",
      max("createdAt") FILTER (WHERE "ip" = ${ip} AND "id" <> ${row.id}) AS "ipLast",
      count(*) FILTER (WHERE "email" = ${email})::int AS "email",
      max("createdAt") FILTER (WHERE "email" = ${email} AND "id" <> ${row.id}) AS "emailLast",
      EXISTS (SELECT 1 FROM "LoginAttempt" s WHERE s."email" = ${email} AND s."ip" = ${ip} AND s."isSuccess" AND s."createdAt" > now() - interval '30 days') AS "knownIp"
    FROM "LoginAttempt"
    WHERE "isSuccess" = false AND ("email" = ${email} OR "ip" = ${ip}) AND "createdAt" >= now() - make_interval(mins => ${windowMinutes}::int)`;
  const wait = (failures: number, limit: number, last: Date | null) =>
    last ? Math.ceil(delayFor(failures, limit) - (c.now.getTime() - last.getTime()) / 1000) : 0;
  const retryAfterSeconds = Math.max(
    0,
    wait(c.pair, max, c.pairLast),
    wait(c.ip, max * 4, c.ipLast),
    c.knownIp ? 0 : wait(c.email, max * 10, c.emailLast),
  );
  if (retryAfterSeconds > 0) {
    await db().loginAttempt.delete({ where: { id: row.id } });
    return { allowed: false, retryAfterSeconds };
  }
  return { allowed: true, id: row.id };
}

/** The attempt never got to the password (too busy): it doesn't count. */
export async function forgetLoginAttempt(id: string) {
  await db().loginAttempt.deleteMany({ where: { id } });
}

export async function recordLoginSuccess(id: string, email: string, ip: string) {
  await db().$transaction([
    db().loginAttempt.update({ where: { id }, data: { isSuccess: true } }),
    // Clears this address's streak only: a victim's sign-in must not reset an attacker's elsewhere.
    db().loginAttempt.deleteMany({ where: { email, ip, isSuccess: false } }),
  ]);
}
