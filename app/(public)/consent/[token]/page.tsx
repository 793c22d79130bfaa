// Public landing page of a consent link: no Consentry account. Shows who asks, for which
// mailbox or organization, and exactly what will be granted, then hands over to Microsoft.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { resolveConsentLinkOnce } from "./resolve-once";
import { azurePermissions } from "@/lib/microsoft/scope-profiles";

import { PublicShell } from "@/components/public-shell";
import { firstParams } from "@/lib/http/search-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Grant access · Consentry", referrer: "no-referrer", robots: { index: false } };

export default async function ConsentLandingPage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Promise<{ error?: string }>;
}) {
  const { token } = await params;
  const { error } = firstParams(await searchParams);
  const { state, request: r } = await resolveConsentLinkOnce(token.slice(0, 100));
  // A dead link answers 404 (monitors and proxies see a refusal); the layout shows why.
  if (state !== "ok" || !r) notFound();
  const isAdmin = r.kind === "admin";
  const perms = azurePermissions(r.appRegistration.scopeProfile);
  return (
    <PublicShell>
      <p className="text-sm font-medium uppercase tracking-wide text-indigo-600">{r.workspace.name} asks for access</p>
      <h1 className="mt-1 text-2xl font-semibold text-slate-900">
        {isAdmin ? `Grant consent for ${r.tenant.displayName}` : `Connect ${r.mailbox?.address}`}
      </h1>
      <p className="mt-3 text-slate-600">
        {isAdmin
          ? `${r.workspace.name} manages email for ${r.tenant.displayName}. As an administrator of your Microsoft 365 organization, you can approve the app "${r.appRegistration.displayName}" once for everyone, so mailbox owners are not asked again.`
          : `${r.workspace.name} needs permission to read and send mail for ${r.mailbox?.address} on behalf of ${r.tenant.displayName}.`}
      </p>
      {!isAdmin && (
        <div className="mt-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          Sign in as <strong data-testid="expected-account">{r.expectedUpn}</strong>
          {r.mailbox?.kind === "shared" ? ` (the delegate of the shared mailbox ${r.mailbox.address})` : ""}. If Microsoft signs you in as
          someone else, choose &quot;Use another account&quot;, or open this link in a private window.
        </div>
      )}
      {isAdmin && (
        <div className="mt-4 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm text-slate-700">
          You need to be a Global Administrator, Privileged Role Administrator or Cloud Application Administrator of {r.tenant.displayName}.
        </div>
      )}
      <h2 className="mt-6 text-sm font-semibold text-slate-900">What will be granted</h2>
      <ul className="mt-2 divide-y divide-slate-100 rounded-md border border-slate-200 text-sm" data-testid="permission-list">
        {perms.map((p) => (
          <li key={`${p.api}-${p.name}`} className="flex items-start justify-between gap-4 p-3">
            <div>
              <div className="font-medium text-slate-900">{p.name}</div>
              <div className="text-slate-500">{p.why}</div>
            </div>
            <span className="shrink-0 text-xs text-slate-500">
              {p.api} · {p.type}
            </span>
          </li>
        ))}
      </ul>
      <p className="mt-3 text-xs text-slate-500">
        App: {r.appRegistration.displayName} ({r.appRegistration.clientId}). This link expires {r.expiresAt.toUTCString()}.
      </p>
      {error && (
        <p className="mt-4 rounded-md bg-red-50 p-3 text-sm text-red-800">
          We couldn&apos;t start the sign-in. Try again, or ask your IT provider for a new link.
        </p>
      )}
      <form method="post" action={`/api/consent/${encodeURIComponent(token)}/start`} className="mt-6">
        <button type="submit" className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700">
          Continue to Microsoft
        </button>
      </form>
    </PublicShell>
  );
}
