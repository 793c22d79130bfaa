"use client";
// A user mailbox's sign-in name (the UPN, when it differs from the address): shown and edited in
// the Settings card. It is only the hint for Microsoft's page; Connect accepts whoever owns the
// address (by Graph's mail and proxy addresses), so a renamed UPN never breaks a connection.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { mailboxKeys } from "@/lib/client/query-keys";
import type { TMailbox } from "@/lib/client/wire-types";
import { mailboxApi } from "@/lib/client/api/mailboxes";
import { ApiError } from "@/lib/client/api-client";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toaster";

export function SignInName({ m }: { m: TMailbox }) {
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(m.signInName ?? "");
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () => mailboxApi.update(m.tenantId, m.id, { signInName: value.trim() || null }),
    onSuccess: async () => {
      setEditing(false);
      setError(null);
      await qc.invalidateQueries({ queryKey: mailboxKeys.all });
      toast("Sign-in name saved. It is used the next time someone connects this mailbox.");
    },
    onError: (e: Error) => setError(e instanceof ApiError ? (e.fields?.signInName ?? e.message) : e.message),
  });
  if (!editing)
    return (
      <span className="flex flex-wrap items-center gap-2">
        <span data-testid="sign-in-name">{m.signInName ?? <span className="text-slate-500">same as the address</span>}</span>
        <Button variant="secondary" className="px-2 py-1 text-xs" onClick={() => setEditing(true)}>
          Edit
        </Button>
      </span>
    );
  return (
    <form
      className="flex flex-wrap items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <input
        aria-label="Sign-in name"
        type="email"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        placeholder={m.address}
        className="rounded-md border border-slate-300 px-2 py-1 text-sm"
      />
      <Button type="submit" className="px-2 py-1 text-xs" isBusy={save.isPending}>
        Save
      </Button>
      <Button type="button" variant="secondary" className="px-2 py-1 text-xs" onClick={() => setEditing(false)}>
        Cancel
      </Button>
      <span className="basis-full text-xs text-slate-500">
        The user&apos;s UPN when it differs from {m.address}. Leave empty when they sign in with the address.
      </span>
      {error && <span className="basis-full text-xs text-red-700">{error}</span>}
    </form>
  );
}
