"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useFormSubmit } from "@/lib/client/use-form-submit";
import { staffKeys } from "@/lib/client/query-keys";
import type { TStaff, TTenant } from "@/lib/client/wire-types";
import { ROLE_DESCRIPTIONS, roleAtMost, type TRole } from "@/lib/auth/permissions";
import { ago } from "@/lib/client/format";
import { DataTable } from "@/components/data-table";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import { EmptyState } from "@/components/ui/empty-state";
import { toast } from "@/components/ui/toaster";
import { TenantScopePicker } from "@/components/tenants/tenant-scope-picker";
import { useStaff } from "@/lib/client/hooks/staff";
import { useTenants } from "@/lib/client/hooks/tenants";
import { staffApi } from "@/lib/client/api/staff";

const ROLES: TRole[] = ["owner", "admin", "technician", "support"];

// The server refuses the same things (lib/staff/manage-staff.ts); this says why before a click.
function whyNot(s: TStaff, me: string, myRole: TRole, limitedTo: string[] | null): string | null {
  if (s.staffUserId === me) return "You can't change your own role, tenants or status.";
  if (!roleAtMost(s.role, myRole)) return `Only an ${s.role} can change an ${s.role}.`;
  if (limitedTo && (s.hasAllTenants || s.tenantIds.some((t) => !limitedTo.includes(t))))
    return "Reaches tenants beyond yours: only an owner or admin who sees all tenants can change this member.";
  return null;
}

export function StaffClient({
  canManage,
  isOwner,
  me,
  myRole,
  limitedTo,
}: {
  canManage: boolean;
  isOwner: boolean;
  me: string;
  myRole: TRole;
  limitedTo: string[] | null;
}) {
  const qc = useQueryClient();
  const staff = useStaff();
  const tenants = useTenants();
  const [open, setOpen] = useState(false);
  const patch = useMutation({
    mutationFn: (p: { id: string; body: Record<string, unknown> }) => staffApi.update(p.id, p.body),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: staffKeys.all });
      toast("Saved.");
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const remove = useMutation({
    mutationFn: (id: string) => staffApi.remove(id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: staffKeys.all });
      toast("Removed.");
    },
    onError: (e: Error) => toast(e.message, "error"),
  });
  const tenantName = (id: string) => tenants.data?.tenants.find((t) => t.id === id)?.displayName ?? "another tenant";
  return (
    <div className="space-y-6">
      <PageHeader
        title="Staff"
        subtitle="Who can sign in to this workspace, with which role and tenants."
        actions={canManage && <Button onClick={() => setOpen(!open)}>Add staff member</Button>}
      />
      {open && canManage && (
        <AddStaff
          tenants={(tenants.data?.tenants ?? []).filter((t) => !limitedTo || limitedTo.includes(t.id))}
          myRole={myRole}
          mustLimit={!!limitedTo}
          onDone={() => setOpen(false)}
        />
      )}
      <DataTable
        rows={staff.data?.staff ?? []}
        rowKey={(s) => s.membershipId}
        filterText={(s) => `${s.name} ${s.email} ${s.role}`}
        selectFilters={[{ key: "role", label: "Role", options: ROLES.map((r) => ({ value: r, label: r })), match: (s, v) => s.role === v }]}
        columns={[
          {
            key: "name",
            header: "Name",
            cell: (s) => (
              <div>
                <div className="font-medium">{s.name}</div>
                <div className="text-xs text-slate-500">{s.email}</div>
              </div>
            ),
            sortValue: (s) => s.name,
          },
          {
            key: "role",
            header: "Role",
            cell: (s) =>
              canManage && !whyNot(s, me, myRole, limitedTo) && (isOwner || s.role !== "owner") ? (
                <select
                  aria-label={`Role of ${s.email}`}
                  value={s.role}
                  onChange={(e) => patch.mutate({ id: s.membershipId, body: { role: e.target.value } })}
                  className="rounded border border-slate-300 px-2 py-1 text-sm"
                >
                  {ROLES.filter((r) => roleAtMost(r, myRole)).map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              ) : (
                <Badge tone="indigo">{s.role}</Badge>
              ),
            sortValue: (s) => ROLES.indexOf(s.role),
          },
          { key: "tenants", header: "Tenants", cell: (s) => (s.hasAllTenants ? "All tenants" : s.tenantIds.map(tenantName).join(", ")) },
          {
            key: "status",
            header: "Status",
            cell: (s) => (s.isDisabled ? <Badge tone="red">Disabled</Badge> : <Badge tone="green">Active</Badge>),
          },
          { key: "login", header: "Last sign-in", cell: (s) => ago(s.lastLoginAt), sortValue: (s) => s.lastLoginAt ?? "" },
          {
            key: "actions",
            header: "",
            cell: (s) =>
              canManage && whyNot(s, me, myRole, limitedTo) ? (
                <span className="text-xs text-slate-500" data-testid="staff-locked">
                  {whyNot(s, me, myRole, limitedTo)}
                </span>
              ) : canManage && (isOwner || s.role !== "owner") ? (
                <div className="flex gap-2">
                  <Button variant="secondary" onClick={() => patch.mutate({ id: s.membershipId, body: { isDisabled: !s.isDisabled } })}>
                    {s.isDisabled ? "Enable" : "Disable"}
                  </Button>
                  <Button variant="ghost" onClick={() => confirm(`Remove ${s.email}?`) && remove.mutate(s.membershipId)}>
                    Remove
                  </Button>
                </div>
              ) : null,
          },
        ]}
        empty={<EmptyState title="No staff yet" />}
      />
    </div>
  );
}

function AddStaff({ tenants, myRole, mustLimit, onDone }: { tenants: TTenant[]; myRole: TRole; mustLimit: boolean; onDone: () => void }) {
  const qc = useQueryClient();
  const [v, setV] = useState({
    email: "",
    name: "",
    role: "technician" as TRole,
    password: "",
    hasAllTenants: !mustLimit,
    tenantIds: [] as string[],
  });
  const { errors, busy, onSubmit } = useFormSubmit(async () => {
    await staffApi.create(v);
    await qc.invalidateQueries({ queryKey: staffKeys.all });
    toast(`Added ${v.email}.`);
    onDone();
  });
  return (
    <Card title="Add staff member">
      <form className="grid gap-4 md:grid-cols-2" onSubmit={onSubmit}>
        <TextField
          label="Email"
          type="email"
          value={v.email}
          onChange={(e) => setV({ ...v, email: e.target.value })}
          error={errors.email}
        />
        <TextField label="Name" value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} error={errors.name} />
        <SelectField
          label="Role"
          value={v.role}
          onChange={(e) => setV({ ...v, role: e.target.value as TRole })}
          options={ROLES.filter((r) => roleAtMost(r, myRole)).map((r) => ({ value: r, label: `${r}: ${ROLE_DESCRIPTIONS[r]}` }))}
          error={errors.role}
        />
        <TextField
          label="Temporary password"
          type="password"
          value={v.password}
          onChange={(e) => setV({ ...v, password: e.target.value })}
          error={errors.password}
          hint="At least 12 characters. Share it privately."
        />
        <div className="md:col-span-2">
          <TenantScopePicker
            tenants={tenants}
            value={v}
            onChange={(s) => setV({ ...v, ...s })}
            error={errors.tenantIds}
            canPickAll={!mustLimit}
          />
          {mustLimit && <p className="mt-1 text-xs text-slate-500">You can give only tenants you can use yourself.</p>}
        </div>
        {errors._ && <p className="text-sm text-red-600 md:col-span-2">{errors._}</p>}
        <div className="md:col-span-2">
          <Button type="submit" isBusy={busy}>
            Add staff member
          </Button>
        </div>
      </form>
    </Card>
  );
}
