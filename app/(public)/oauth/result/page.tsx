// Where every consent round trip ends: success, or the diagnosis with the fix and a retry.
// Never a bare 400.
import type { Metadata } from "next";
import Link from "next/link";
import { getConsentResult } from "@/lib/consent/get-result";
import { firstParams } from "@/lib/http/search-params";
import { REFUSALS } from "@/lib/consent/refusal-text";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Microsoft sign-in result · Consentry", referrer: "no-referrer", robots: { index: false } };

type TDetail = {
  title?: string;
  cause?: string;
  fixSteps?: string[];
  retryable?: boolean;
  aadsts?: number[];
  detail?: { signedIn?: string; expected?: string };
  signedIn?: string;
  scopes?: string[];
  tenantMismatch?: boolean;
  returnedTenantId?: string;
  expectedTenantId?: string;
};

export default async function OAuthResultPage({ searchParams }: { searchParams: Promise<{ state?: string; error?: string }> }) {
  const sp = firstParams(await searchParams);
  if (sp.error || !sp.state) {
    const r = REFUSALS[sp.error ?? "missing_state"] ?? REFUSALS.internal;
    return (
      <Shell tone="error">
        <h1 className="text-xl font-semibold text-slate-900" data-testid="result-title">
          {r.title}
        </h1>
        <p className="mt-2 text-slate-600">{r.body}</p>
      </Shell>
    );
  }
  const v = await getConsentResult(sp.state.slice(0, 100));
  if (!v) {
    return (
      <Shell tone="error">
        <h1 className="text-xl font-semibold" data-testid="result-title">
          {REFUSALS.unknown_state.title}
        </h1>
        <p className="mt-2 text-slate-600">{REFUSALS.unknown_state.body}</p>
      </Shell>
    );
  }
  const d = v.detail as TDetail;
  const ok = v.status === "completed";
  if (ok) {
    return (
      <Shell tone="ok">
        <h1 className="text-xl font-semibold text-slate-900" data-testid="result-title">
          {v.kind === "admin" ? `Consent granted for ${v.tenantName}` : `${v.mailboxAddress} is connected`}
        </h1>
        <p className="mt-2 text-slate-600">
          {v.kind === "admin"
            ? "Mailbox owners in your organization won't be asked to consent again. You can close this page."
            : `Signed in as ${d.signedIn}. You can close this page.`}
        </p>
        {d.tenantMismatch && (
          <p className="mt-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900" data-testid="tenant-mismatch">
            Consent was granted in directory {d.returnedTenantId}, but {v.tenantName} is on file as {d.expectedTenantId}. Your IT provider
            has been told.
          </p>
        )}
        {v.isStaffFlow && v.mailboxId && (
          <Link className="mt-6 inline-block text-indigo-600 hover:underline" href={`/tenants/${v.tenantId}/mailboxes/${v.mailboxId}`}>
            Open the mailbox in Consentry
          </Link>
        )}
      </Shell>
    );
  }
  const who = d.detail;
  return (
    <Shell tone="error">
      <p className="text-sm font-medium text-red-700" data-testid="result-code">
        {v.resultCode}
      </p>
      <h1 className="mt-1 text-xl font-semibold text-slate-900" data-testid="result-title">
        {d.title ?? "The sign-in didn't complete"}
      </h1>
      {d.cause && (
        <p className="mt-2 text-slate-700" data-testid="result-cause">
          {d.cause}
        </p>
      )}
      {who?.signedIn && (
        <dl className="mt-4 grid grid-cols-[auto,1fr] gap-x-4 gap-y-1 rounded-md bg-slate-50 p-3 text-sm">
          <dt className="text-slate-500">Signed in</dt>
          <dd className="font-medium" data-testid="signed-in-as">
            {who.signedIn}
          </dd>
          <dt className="text-slate-500">Expected</dt>
          <dd className="font-medium" data-testid="expected-as">
            {who.expected}
          </dd>
        </dl>
      )}
      {!!d.fixSteps?.length && (
        <>
          <h2 className="mt-5 text-sm font-semibold text-slate-900">How to fix it</h2>
          <ol className="mt-2 list-decimal space-y-1 pl-5 text-sm text-slate-700" data-testid="fix-steps">
            {d.fixSteps.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ol>
        </>
      )}
      <div className="mt-6 flex gap-3">
        {v.canRetry && (
          <form method="post" action="/api/oauth/retry">
            <input type="hidden" name="state" value={sp.state} />
            <button className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700" type="submit">
              Try again
            </button>
          </form>
        )}
        {v.isStaffFlow && v.mailboxId && (
          <Link
            className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700"
            href={`/tenants/${v.tenantId}/mailboxes/${v.mailboxId}`}
          >
            Back to the mailbox
          </Link>
        )}
        {v.isStaffFlow && !v.mailboxId && (
          <Link className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700" href={`/tenants/${v.tenantId}`}>
            Back to the tenant
          </Link>
        )}
      </div>
      {!!d.aadsts?.length && <p className="mt-4 text-xs text-slate-400">Microsoft error: AADSTS{d.aadsts.join(", AADSTS")}</p>}
    </Shell>
  );
}

function Shell({ children, tone }: { children: React.ReactNode; tone: "ok" | "error" }) {
  return (
    <main className="min-h-screen bg-slate-50 px-4 py-12">
      <div
        className={`mx-auto max-w-xl rounded-lg border bg-white p-8 shadow-sm ${tone === "ok" ? "border-emerald-200" : "border-red-200"}`}
      >
        {children}
      </div>
    </main>
  );
}
