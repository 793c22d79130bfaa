// A status link that can't be used (tampered, unknown, withdrawn, expired) keeps its friendly
// explanation but answers 404: the page calls notFound() (the App Router can't set a page's
// status otherwise) and this layout, which receives the token, renders the explanation above it.
import type { Metadata } from "next";
import { PublicShell } from "@/components/public-shell";
import { resolveStatusLinkOnce, STATUS_LINK_DEAD } from "./resolve-once";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Mail connection status · Consentry", referrer: "no-referrer", robots: { index: false } };

export default async function StatusLinkLayout({ children, params }: { children: React.ReactNode; params: Promise<{ token: string }> }) {
  const { token } = await params;
  const { state } = await resolveStatusLinkOnce(token.slice(0, 100));
  if (state === "ok") return children;
  const d = STATUS_LINK_DEAD[state] ?? STATUS_LINK_DEAD.invalid;
  return (
    <PublicShell wide>
      <h1 className="text-xl font-semibold text-slate-900" data-testid="status-link-state">
        {d.title}
      </h1>
      <p className="mt-2 text-slate-600">{d.body}</p>
      {/* The page still renders: its notFound() is what sets the 404 (its boundary shows nothing). */}
      {children}
    </PublicShell>
  );
}
