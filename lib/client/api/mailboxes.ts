// Mailbox writes and actions: create, connect, consent links, refresh, tests, sync, outbox, delete.
import { apiFetch } from "../api-client";
import type { TConnectionTest, TDiagnosisView, TMailbox } from "../wire-types";

const base = (tenantId: string, mailboxId: string) => `/api/tenants/${tenantId}/mailboxes/${mailboxId}`;

export const mailboxApi = {
  create: (tenantId: string, body: unknown) =>
    apiFetch<{ mailbox: TMailbox }>(`/api/tenants/${tenantId}/mailboxes`, { method: "POST", body }),
  connect: (tenantId: string, mailboxId: string) => apiFetch<{ url: string }>(`${base(tenantId, mailboxId)}/connect`, { method: "POST" }),
  createConsentLink: (tenantId: string, mailboxId: string) =>
    apiFetch<{ link: { id: string; url: string; expiresAt: string } }>(`${base(tenantId, mailboxId)}/consent-links`, {
      method: "POST",
      body: {},
    }),
  refresh: (tenantId: string, mailboxId: string) =>
    apiFetch<{ ok: boolean; diagnosis?: TDiagnosisView }>(`${base(tenantId, mailboxId)}/refresh`, { method: "POST" }),
  test: (tenantId: string, mailboxId: string) =>
    apiFetch<{ result: TConnectionTest }>(`${base(tenantId, mailboxId)}/test`, { method: "POST" }),
  testEmail: (tenantId: string, mailboxId: string, to: string) =>
    apiFetch<{ result: TConnectionTest }>(`${base(tenantId, mailboxId)}/test-email`, { method: "POST", body: { to } }),
  sync: (tenantId: string, mailboxId: string) => apiFetch(`${base(tenantId, mailboxId)}/sync`, { method: "POST" }),
  outboxAction: (tenantId: string, mailboxId: string, p: { id?: string; action: "retry" | "cancel" | "retry_failed" }) =>
    p.id
      ? apiFetch(`${base(tenantId, mailboxId)}/outbound/${p.id}`, { method: "PATCH", body: { action: p.action } })
      : apiFetch(`${base(tenantId, mailboxId)}/outbound`, { method: "PATCH", body: { action: p.action } }),
  update: (tenantId: string, mailboxId: string, body: unknown) =>
    apiFetch<{ mailbox: TMailbox }>(base(tenantId, mailboxId), { method: "PATCH", body }),
  remove: (tenantId: string, mailboxId: string) => apiFetch(base(tenantId, mailboxId), { method: "DELETE" }),
};
