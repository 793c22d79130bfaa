// A consent link that can't be used (tampered, unknown, used, withdrawn, expired) keeps its
// friendly explanation but answers 404: the App Router can't set a page's status, so the page
// calls notFound() and this layout, which receives the token, renders the explanation above the
// (empty) not-found boundary.
import type { Metadata } from "next";
import { PublicShell } from "@/components/public-shell";
import { CONSENT_LINK_DEAD, resolveConsentLinkOnce } from "./resolve-once";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Grant access · Consentry", referrer: "no-referrer", robots: { index: false } };

export default async function ConsentLinkLayout({ children, params }: { children: React.ReactNode; params: Promise<{ token: string }> }) {
  const { token } = await params;
  const { state } = await resolveConsentLinkOnce(token.slice(0, 100));
  if (state === "ok") return children;
  const d = CONSENT_LINK_DEAD[state] ?? CONSENT_LINK_DEAD.invalid;
  return (
    <PublicShell>
      <h1 className="text-xl font-semibold text-slate-900" data-testid="consent-link-state">
        {d.title}
      </h1>
      <p className="mt-2 text-slate-600">{d.body}</p>
      {/* The page still renders: its notFound() is what sets the 404 (its boundary shows nothing). */}
      {children}
    </PublicShell>
  );
}
