// Finding 12 (issue 9), against the real PostgreSQL: concurrent guesses can't all pass the
// throttle, a stranger can't lock a staff member out, and old hashes are re-hashed at sign-in.
import { randomBytes, randomUUID, scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { hashPassword, needsRehash, verifyPassword } from "./password";
import { signInWithPassword } from "./password-sign-in";

const MAX = 5; // LOGIN_MAX_FAILURES' default

async function staff(password: string, hash?: string) {
  const email = `s3-${randomUUID()}@msp.test`;
  await db().staffUser.create({ data: { email, name: "Throttle test", passwordHash: hash ?? (await hashPassword(password)) } });
  return email;
}

/** A hash made with the parameters used before issue 9 (N=2^14). */
function legacyHash(password: string) {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1 });
  return ["scrypt", 16384, 8, 1, salt.toString("base64url"), key.toString("base64url")].join("$");
}

describe("password sign-in throttle", { timeout: 120_000 }, () => {
  it("20 concurrent wrong guesses: at most LOGIN_MAX_FAILURES reach the password check", async () => {
    const email = await staff("right password 1");
    const ip = "203.0.113.20";
    const results = await Promise.all(Array.from({ length: 20 }, () => signInWithPassword({ email, password: "wrong", ip })));
    const checked = results.filter((r) => !r.ok && r.error === "CredentialsSignin").length;
    // A flood may all be refused (record-then-count fails closed), never more than MAX checked.
    expect(checked).toBeLessThanOrEqual(MAX);
    expect(results.every((r) => !r.ok && ["CredentialsSignin", "RateLimited", "Busy"].includes(r.error))).toBe(true);
    // Only the attempts that were checked are on record; refused ones don't stretch the delay.
    expect(await db().loginAttempt.count({ where: { email, ip, isSuccess: false } })).toBe(checked);
    // One at a time, exactly the rest of the allowance is checked, then the address is slowed.
    let more = 0;
    for (let i = 0; i < MAX + 2; i++) {
      const r = await signInWithPassword({ email, password: "wrong", ip });
      if (!r.ok && r.error === "CredentialsSignin") more++;
    }
    expect(checked + more).toBe(MAX);
  });

  it("progressive delay per email and address, not a lock-out of the account", async () => {
    const email = await staff("right password 2");
    const attacker = "198.51.100.66";
    for (let i = 0; i < MAX; i++)
      expect(await signInWithPassword({ email, password: `guess ${i}`, ip: attacker })).toMatchObject({
        ok: false,
        error: "CredentialsSignin",
      });
    const refused = await signInWithPassword({ email, password: "right password 2", ip: attacker });
    expect(refused).toMatchObject({ ok: false, error: "RateLimited" });
    expect(!refused.ok && refused.retryAfterSeconds).toBeGreaterThan(20);

    // The staff member, from their own address, still gets in.
    expect(await signInWithPassword({ email, password: "right password 2", ip: "192.0.2.10" })).toMatchObject({ ok: true });

    // Once the delay (30 s) has passed the attacker may guess again, with a longer wait after each miss (60 s).
    await db().loginAttempt.updateMany({ where: { email, ip: attacker }, data: { createdAt: new Date(Date.now() - 31_000) } });
    expect(await signInWithPassword({ email, password: "guess 6", ip: attacker })).toMatchObject({ ok: false, error: "CredentialsSignin" });
    await db().loginAttempt.updateMany({ where: { email, ip: attacker }, data: { createdAt: new Date(Date.now() - 40_000) } });
    expect(await signInWithPassword({ email, password: "guess 7", ip: attacker })).toMatchObject({ ok: false, error: "RateLimited" });
  });

  it("an unknown email is throttled the same way and never signs in", async () => {
    const email = `nobody-${randomUUID()}@msp.test`;
    const ip = "203.0.113.30";
    for (let i = 0; i < MAX; i++)
      expect(await signInWithPassword({ email, password: "x", ip })).toMatchObject({ ok: false, error: "CredentialsSignin" });
    expect(await signInWithPassword({ email, password: "x", ip })).toMatchObject({ ok: false, error: "RateLimited" });
  });

  it("hashing is bounded: a flood gets 'Busy' (try again) instead of queueing without end", async () => {
    const email = await staff("right password 3");
    // Different addresses, so the throttle lets them all through to the password check.
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        signInWithPassword({ email: i % 2 ? email : `nobody-${i}@msp.test`, password: "wrong", ip: `203.0.113.${100 + i}` }),
      ),
    );
    const busy = results.filter((r) => !r.ok && r.error === "Busy").length;
    expect(busy).toBeGreaterThan(0);
    expect(results.length - busy).toBeLessThanOrEqual(10); // 2 hashing + 8 waiting
    // A "Busy" attempt never reached the password, so it isn't counted against anyone.
    expect(
      await db().loginAttempt.count({
        where: { ip: { startsWith: "203.0.113.1" }, isSuccess: false, createdAt: { gte: new Date(Date.now() - 600_000) } },
      }),
    ).toBe(results.length - busy);
  });

  it("a hash with older parameters verifies, and is re-hashed at OWASP's cost on sign-in", async () => {
    const old = legacyHash("legacy pass");
    expect(needsRehash(old)).toBe(true);
    const email = await staff("legacy pass", old);
    expect(await signInWithPassword({ email, password: "legacy pass", ip: "192.0.2.11" })).toMatchObject({ ok: true });
    const after = (await db().staffUser.findUniqueOrThrow({ where: { email }, omit: { passwordHash: false } })).passwordHash!;
    expect(after).not.toBe(old);
    expect(after.split("$").slice(0, 4)).toEqual(["scrypt", String(2 ** 17), "8", "1"]);
    expect(needsRehash(after)).toBe(false);
    expect(await verifyPassword("legacy pass", after)).toBe(true);
    // And the next sign-in works with the new hash.
    expect(await signInWithPassword({ email, password: "legacy pass", ip: "192.0.2.11" })).toMatchObject({ ok: true });
  });
});
