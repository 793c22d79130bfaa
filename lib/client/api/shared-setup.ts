// The shared-mailbox setup wizard: read where it stands, move it to a step, run its live checks.
import { apiFetch } from "../api-client";
import type { TConnectionTest, TSharedSetup } from "../wire-types";

const base = (tenantId: string, mailboxId: string) => `/api/tenants/${tenantId}/mailboxes/${mailboxId}/setup`;

export const sharedSetupApi = {
  get: (tenantId: string, mailboxId: string) =>
    apiFetch<{ setup: TSharedSetup; lastTest: TConnectionTest | null }>(base(tenantId, mailboxId)),
  save: (tenantId: string, mailboxId: string, step: TSharedSetup["step"]) =>
    apiFetch<{ setup: TSharedSetup }>(base(tenantId, mailboxId), { method: "PUT", body: { step } }),
  check: (tenantId: string, mailboxId: string) =>
    apiFetch<{ result: TConnectionTest; setup: TSharedSetup }>(`${base(tenantId, mailboxId)}/checks`, { method: "POST" }),
};
