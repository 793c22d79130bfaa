// Unguessable single-purpose tokens. Only their sha256 is stored, so a database leak doesn't
// leak usable consent links or OAuth states. The purpose prefix is part of what is hashed:
// a user-consent link can't be replayed as an admin-consent link.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export type TTokenPurpose = "state" | "user_link" | "admin_link" | "status_link";

const PREFIX: Record<TTokenPurpose, string> = { state: "st", user_link: "cu", admin_link: "ca", status_link: "cs" };

export function newToken(purpose: TTokenPurpose): string {
  return `${PREFIX[purpose]}_${randomBytes(32).toString("base64url")}`;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function tokenPurpose(token: string): TTokenPurpose | null {
  const p = token.slice(0, 3);
  const hit = (Object.entries(PREFIX) as [TTokenPurpose, string][]).find(([, v]) => `${v}_` === p);
  return hit && /^[A-Za-z0-9_-]{43}$/.test(token.slice(3)) ? hit[0] : null;
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
