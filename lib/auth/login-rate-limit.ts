import "server-only";
// Failed sign-ins are counted in PostgreSQL so the limit holds across web processes.
import { db } from "../db/client";
import { env } from "../env";

export async function isLoginBlocked(email: string, ip: string): Promise<boolean> {
  const { LOGIN_MAX_FAILURES, LOGIN_WINDOW_MINUTES } = env();
  const since = new Date(Date.now() - LOGIN_WINDOW_MINUTES * 60_000);
  const [byEmail, byIp] = await Promise.all([
    db().loginAttempt.count({ where: { email, isSuccess: false, createdAt: { gte: since } } }),
    db().loginAttempt.count({ where: { ip, isSuccess: false, createdAt: { gte: since } } }),
  ]);
  // The per-IP limit is looser so one office behind a NAT isn't locked out by one person.
  return byEmail >= LOGIN_MAX_FAILURES || byIp >= LOGIN_MAX_FAILURES * 4;
}

export async function recordLoginAttempt(email: string, ip: string, isSuccess: boolean) {
  await db().loginAttempt.create({ data: { email, ip, isSuccess } });
  if (isSuccess) {
    // A success clears the email's failure streak.
    await db().loginAttempt.deleteMany({ where: { email, isSuccess: false } });
  }
}
