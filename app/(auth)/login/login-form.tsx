"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { safeCallbackPath } from "@/lib/auth/safe-callback-url";

const MESSAGES: Record<string, string> = {
  CredentialsSignin: "Wrong email or password.",
  RateLimited: "Too many failed sign-ins from here. Wait a little and try again.",
  Busy: "Sign-in is busy right now. Try again in a few seconds.",
};

export function LoginForm({ callbackUrl, hasSso, initialError }: { callbackUrl: string; hasSso: boolean; initialError?: string }) {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState(initialError ?? "");
  const [busy, setBusy] = useState(false);
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <form
        className="space-y-4"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError("");
          const res = await signIn("credentials", { email, password, redirect: false });
          if (res?.ok && !res.error) {
            // Checked again here: the prop is the server's answer, but this is what the browser follows.
            router.push(safeCallbackPath(callbackUrl, window.location.origin));
            router.refresh();
            return;
          }
          setBusy(false);
          setError(MESSAGES[res?.error ?? ""] ?? "Sign-in failed. Try again.");
        }}
      >
        <TextField label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {error && (
          <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700" role="alert">
            {error}
          </p>
        )}
        <Button type="submit" className="w-full" isBusy={busy}>
          Sign in
        </Button>
      </form>
      {hasSso && (
        <Button
          variant="secondary"
          className="mt-3 w-full"
          onClick={() => signIn("azure-ad", { callbackUrl: safeCallbackPath(callbackUrl, window.location.origin) })}
        >
          Sign in with Microsoft
        </Button>
      )}
    </div>
  );
}
