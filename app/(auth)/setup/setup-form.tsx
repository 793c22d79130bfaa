"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { ApiError } from "@/lib/client/api-client";
import { settingsApi } from "@/lib/client/api/settings";

export function SetupForm() {
  const router = useRouter();
  const [v, setV] = useState({ workspaceName: "", name: "", email: "", password: "" });
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof v) => (e: React.ChangeEvent<HTMLInputElement>) => setV({ ...v, [k]: e.target.value });
  return (
    <form
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setFields({});
        setError("");
        try {
          await settingsApi.setup(v);
          router.push("/login");
        } catch (err) {
          setBusy(false);
          if (err instanceof ApiError) {
            setFields(err.fields ?? {});
            setError(err.fields ? "" : err.message);
          }
        }
      }}
    >
      <TextField label="Workspace name" value={v.workspaceName} onChange={set("workspaceName")} error={fields.workspaceName} required />
      <TextField label="Your name" value={v.name} onChange={set("name")} error={fields.name} required />
      <TextField label="Email" type="email" value={v.email} onChange={set("email")} error={fields.email} required />
      <TextField
        label="Password"
        type="password"
        value={v.password}
        onChange={set("password")}
        error={fields.password}
        hint="At least 12 characters."
        required
      />
      {error && <p className="text-sm text-red-600">{error}</p>}
      <Button type="submit" className="w-full" isBusy={busy}>
        Create workspace
      </Button>
    </form>
  );
}
