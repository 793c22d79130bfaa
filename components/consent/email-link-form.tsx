"use client";
// "Email link": creates a consent link and emails it through the workspace's notifier mailbox.
// Without a notifier it says where to set one; the link can always be copied instead.
import Link from "next/link";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { apiFetch, ApiError } from "@/lib/client/api-client";
import { Button } from "@/components/ui/button";
import { DiagnosisBox, type TDiagnosisView } from "@/components/diagnosis-box";
import { toast } from "@/components/ui/toaster";
import { useNotifier } from "@/lib/client/hooks/settings";

type TLink = { id: string; url: string; expiresAt: string };
type TEmail = { ok: true; to: string; from: string } | { ok: false; to: string; diagnosis: TDiagnosisView };

export function EmailLinkForm({
  endpoint,
  body,
  defaultTo,
  placeholder,
  onLink,
}: {
  endpoint: string;
  body: Record<string, unknown>;
  defaultTo?: string;
  placeholder?: string;
  onLink: (l: TLink) => void;
}) {
  const notifier = useNotifier();
  const [to, setTo] = useState(defaultTo ?? "");
  const [error, setError] = useState<string | undefined>();
  const [outcome, setOutcome] = useState<TEmail | null>(null);
  const send = useMutation({
    mutationFn: () => apiFetch<{ link: TLink; email: TEmail }>(endpoint, { method: "POST", body: { ...body, emailTo: to } }),
    onSuccess: (r) => {
      setError(undefined);
      setOutcome(r.email);
      onLink(r.link);
      toast(r.email.ok ? `Emailed to ${r.email.to}.` : "The link was created, but the email failed.", r.email.ok ? "success" : "error");
    },
    onError: (e: Error) => {
      if (e instanceof ApiError && e.fields?.emailTo) setError(e.fields.emailTo);
      else toast(e.message, "error");
    },
  });
  if (!notifier.data) return null;
  if (!notifier.data.notifier) {
    return (
      <p className="text-xs text-slate-500" data-testid="email-link-unavailable">
        To email links, pick a sending mailbox in{" "}
        <Link className="text-indigo-600 hover:underline" href="/settings/notifications">
          Settings → Notifications
        </Link>
        .
      </p>
    );
  }
  return (
    <div className="space-y-2" data-testid="email-link-form">
      <form
        className="flex flex-wrap items-start gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          send.mutate();
        }}
      >
        <div className="min-w-64 flex-1">
          <input
            aria-label="Email the link to"
            type="email"
            required
            value={to}
            placeholder={placeholder}
            onChange={(e) => setTo(e.target.value)}
            className="w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
            aria-invalid={!!error}
          />
          {error && <p className="mt-1 text-xs text-red-600">{error}</p>}
        </div>
        <Button type="submit" variant="secondary" isBusy={send.isPending}>
          Email link
        </Button>
      </form>
      <p className="text-xs text-slate-500">Sent from {notifier.data.notifier.address ?? "the workspace's notifier mailbox"}.</p>
      {outcome?.ok && (
        <p className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800" data-testid="email-link-sent">
          Emailed to {outcome.to} from {outcome.from}.
        </p>
      )}
      {outcome && !outcome.ok && <DiagnosisBox d={outcome.diagnosis} />}
    </div>
  );
}
