import "server-only";
// next-auth configuration: email + password for staff, plus Microsoft Entra ID SSO when configured.
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import AzureADProvider from "next-auth/providers/azure-ad";
import { z } from "zod";
import { env } from "../env";
import { cloudLoginBase, entraCloudAllowed } from "./entra-cloud";
import { safeCallbackPath } from "./safe-callback-url";
import { clientIpFrom } from "./client-ip";
import { signInWithPassword } from "./password-sign-in";
import { resolveSsoStaff } from "./sso-link";

const ZCredentials = z.object({ email: z.string().trim().toLowerCase().email().max(254), password: z.string().min(1).max(1024) });

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
        const fwd = (req?.headers as Record<string, string | string[] | undefined> | undefined)?.["x-forwarded-for"];
        const r = await signInWithPassword({ email, password, ip: clientIpFrom(fwd, e.TRUSTED_PROXY_COUNT) });
        if (r.ok) return r.user;
        if (r.error === "CredentialsSignin") return null;
        throw new Error(r.error);
      },
    }),
  ];
  if (e.AUTH_ENTRA_CLIENT_ID && e.AUTH_ENTRA_CLIENT_SECRET && e.AUTH_ENTRA_TENANT && entraCloudAllowed(e)) {
    const base = cloudLoginBase(e.AUTH_ENTRA_CLOUD, e.SANDBOX_LOGIN_URL);
    const azure = AzureADProvider({
      clientId: e.AUTH_ENTRA_CLIENT_ID,
      clientSecret: e.AUTH_ENTRA_CLIENT_SECRET,
      tenantId: e.AUTH_ENTRA_TENANT,
    });
    // The provider hard-codes login.microsoftonline.com; point it at the configured cloud instead.
    list.push({
      ...azure,
      wellKnown: `${base}/${e.AUTH_ENTRA_TENANT}/v2.0/.well-known/openid-configuration`,
      // The stock profile() also fetches a photo from the Global cloud's Graph, which fails in
      // national clouds and the sandbox and isn't needed: the id_token's claims are enough.
      profile: (p: { sub: string; oid?: string; name?: string; email?: string; preferred_username?: string }) => ({
        id: p.sub,
        name: p.name ?? null,
        email: (p.email ?? p.preferred_username ?? "").toLowerCase() || null,
        image: null,
      }),
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
        // profile is the id_token's claims, verified by next-auth (openid-client): signature, issuer, audience, nonce.
        const d = await resolveSsoStaff(profile, env().AUTH_ENTRA_TENANT ?? "");
        if (!d.ok)
          return d.reason === "linked_to_another" || d.reason === "wrong_tenant"
            ? "/login?error=SsoAccountMismatch"
            : "/login?error=NoStaffAccount";
        user.id = d.staffUserId;
        return true;
      },
      // Same rule as the login page: the URL parser decides, and only our origin's path+query+hash is kept.
      async redirect({ url, baseUrl }) {
        return `${new URL(baseUrl).origin}${safeCallbackPath(url, baseUrl)}`;
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
