// Staff sign-in. Already signed in: straight to the dashboard.
import { redirect } from "next/navigation";
import { getScope } from "@/lib/auth/session";
import { needsSetup } from "@/lib/staff/bootstrap-owner";
import { env } from "@/lib/env";
import { safeCallbackPath } from "@/lib/auth/safe-callback-url";
import { entraCloudAllowed } from "@/lib/auth/entra-cloud";
import { LoginForm } from "./login-form";
import { firstParams } from "@/lib/http/search-params";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string | string[]; error?: string | string[] }>;
}) {
  if (await getScope()) redirect("/");
  const sp = firstParams(await searchParams);
  const e = env();
  const hasSso = !!(e.AUTH_ENTRA_CLIENT_ID && e.AUTH_ENTRA_CLIENT_SECRET && e.AUTH_ENTRA_TENANT) && entraCloudAllowed(e);
  // Only our own origin is accepted as a post-login destination (a repeated key is an array).
  const callbackUrl = safeCallbackPath(sp.callbackUrl, e.CONSENTRY_PUBLIC_URL);
  const error = Array.isArray(sp.error) ? sp.error[0] : sp.error;
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-50 px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <div className="mx-auto mb-3 flex h-10 w-10 items-center justify-center rounded-lg bg-indigo-600 text-lg font-bold text-white">
            C
          </div>
          <h1 className="text-xl font-semibold text-slate-900">Sign in to Consentry</h1>
        </div>
        <LoginForm callbackUrl={callbackUrl} hasSso={hasSso} initialError={loginError(error)} />
        {(await needsSetup()) && (
          <p className="mt-4 text-center text-sm text-slate-600">
            First time here?{" "}
            <a className="font-medium text-indigo-700 hover:underline" href="/setup">
              Create the owner account
            </a>
          </p>
        )}
      </div>
    </main>
  );
}

// next-auth's error codes, in words (never a stack trace or a provider's raw reply).
function loginError(code?: string): string | undefined {
  if (!code) return undefined;
  if (code === "NoStaffAccount") return "Your Microsoft account has no Consentry staff account.";
  if (code === "SsoAccountMismatch")
    return "This Microsoft account isn't the one linked to your Consentry staff account. Sign in with that account, or ask an owner.";
  if (code === "CredentialsSignin") return "Wrong email or password.";
  if (code === "SessionRequired") return "Sign in to continue.";
  if (["OAuthSignin", "OAuthCallback", "OAuthCreateAccount", "Callback", "AccessDenied"].includes(code))
    return "Sign-in with Microsoft didn't complete. Try again, or sign in with email and password.";
  return "Sign-in failed. Try again.";
}
