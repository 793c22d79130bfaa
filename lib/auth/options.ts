import "server-only";
// next-auth configuration: email + password for staff, plus Microsoft Entra ID SSO when configured.
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import AzureADProvider from "next-auth/providers/azure-ad";
import { z } from "zod";
import { db } from "../db/client";
import { env } from "../env";
import { cloudLoginBase, entraCloudAllowed } from "./entra-cloud";
import { verifyPassword } from "./password";
import { isLoginBlocked, recordLoginAttempt } from "./login-rate-limit";

const ZCredentials = z.object({ email: z.string().trim().toLowerCase().email().max(254), password: z.string().min(1).max(1024) });

function clientIp(headers: Record<string, unknown> | undefined): string {
  const fwd = headers?.["x-forwarded-for"];
  const first = typeof fwd === "string" ? fwd.split(",")[0].trim() : "";
  return first || "local";
}

function providers(): AuthOptions["providers"] {
  const e = env();
  const list: AuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, req) {
        const parsed = ZCredentials.safeParse(raw);
        if (!parsed.success) return null;
        const { email, password } = parsed.data;
        const ip = clientIp(req?.headers as Record<string, unknown> | undefined);
        if (await isLoginBlocked(email, ip)) throw new Error("RateLimited");
        const user = await db().staffUser.findUnique({ where: { email }, omit: { passwordHash: false } });
        const ok = await verifyPassword(password, user?.passwordHash);
        await recordLoginAttempt(email, ip, ok && !!user && !user.isDisabled);
        if (!ok || !user || user.isDisabled) return null;
        await db().staffUser.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ];
  if (e.AUTH_ENTRA_CLIENT_ID && e.AUTH_ENTRA_CLIENT_SECRET && e.AUTH_ENTRA_TENANT && entraCloudAllowed(e)) {
    const base = cloudLoginBase(e.AUTH_ENTRA_CLOUD, e.SANDBOX_LOGIN_URL);
    const azure = AzureADProvider({ clientId: e.AUTH_ENTRA_CLIENT_ID, clientSecret: e.AUTH_ENTRA_CLIENT_SECRET, tenantId: e.AUTH_ENTRA_TENANT });
    // The provider hard-codes login.microsoftonline.com; point it at the configured cloud instead.
    list.push({
      ...azure,
      wellKnown: `${base}/${e.AUTH_ENTRA_TENANT}/v2.0/.well-known/openid-configuration`,
      // The stock profile() also fetches a photo from the Global cloud's Graph, which fails in
      // national clouds and the sandbox and isn't needed: the id_token's claims are enough.
      profile: (p: { sub: string; oid?: string; name?: string; email?: string; preferred_username?: string }) => ({ id: p.sub, name: p.name ?? null, email: (p.email ?? p.preferred_username ?? "").toLowerCase() || null, image: null }),
    });
  }
  return list;
}

export function authOptions(): AuthOptions {
  const e = env();
  return {
    secret: e.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: e.SESSION_MAX_AGE_HOURS * 3600, updateAge: 15 * 60 },
    jwt: { maxAge: e.SESSION_MAX_AGE_HOURS * 3600 },
    pages: { signIn: "/login", error: "/login" },
    providers: providers(),
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== "azure-ad") return true;
        // SSO only admits existing staff: match on the Entra object id, else on the email once.
        const p = profile as { oid?: string; email?: string; preferred_username?: string } | undefined;
        const email = (p?.email ?? p?.preferred_username ?? user.email ?? "").toLowerCase();
        const staff = (p?.oid && (await db().staffUser.findUnique({ where: { entraOid: p.oid } }))) || (email && (await db().staffUser.findUnique({ where: { email } })));
        if (!staff || staff.isDisabled) return "/login?error=NoStaffAccount";
        if (p?.oid && !staff.entraOid) await db().staffUser.update({ where: { id: staff.id }, data: { entraOid: p.oid } });
        user.id = staff.id;
        return true;
      },
      async jwt({ token, user }) {
        if (user) token.sub = user.id;
        return token;
      },
      async session({ session, token }) {
        if (session.user) (session.user as { id?: string }).id = token.sub;
        return session;
      },
    },
  };
}
