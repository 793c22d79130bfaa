// Day-2 operations: edit a mailbox, pause and resume, consent-link management, bulk onboarding.
import { apiFetch } from "../api-client";
import type { TMailbox } from "../wire-types";
import type { TImportPlan } from "@/lib/onboarding/import";

const base = (tenantId: string, mailboxId: string) => `/api/tenants/${tenantId}/mailboxes/${mailboxId}`;

export const day2Api = {
  updateMailbox: (tenantId: string, mailboxId: string, body: Record<string, unknown>) =>
    apiFetch<{ mailbox: TMailbox }>(base(tenantId, mailboxId), { method: "PATCH", body }),
  pause: (tenantId: string, mailboxId: string) => apiFetch<{ mailbox: TMailbox }>(`${base(tenantId, mailboxId)}/pause`, { method: "POST" }),
  resume: (tenantId: string, mailboxId: string) =>
    apiFetch<{ mailbox: TMailbox }>(`${base(tenantId, mailboxId)}/pause`, { method: "DELETE" }),
};

export type TConsentLinkRow = {
  id: string;
  kind: "user" | "admin";
  mailboxId: string | null;
  mailboxAddress: string | null;
  signInAs: string | null;
  app: { id: string; displayName: string };
  createdBy: string | null;
  createdAt: string;
  expiresAt: string;
  visits: number;
  lastVisitAt: string | null;
  lastResult: string | null;
};

export const linkApi = {
  list: (tenantId: string, mailboxId?: string) =>
    apiFetch<{ links: TConsentLinkRow[] }>(`/api/tenants/${tenantId}/consent-links${mailboxId ? `?mailboxId=${mailboxId}` : ""}`),
  revoke: (tenantId: string, linkId: string) => apiFetch(`/api/tenants/${tenantId}/consent-links/${linkId}`, { method: "DELETE" }),
  resend: (tenantId: string, linkId: string, body: { days?: number; emailTo?: string }) =>
    apiFetch<{ link: { id: string; url: string; expiresAt: string }; replaced: string }>(
      `/api/tenants/${tenantId}/consent-links/${linkId}`,
      {
        method: "POST",
        body,
      },
    ),
  createForMailbox: (tenantId: string, mailboxId: string, days: number) =>
    apiFetch<{ link: { id: string; url: string; expiresAt: string } }>(`/api/tenants/${tenantId}/mailboxes/${mailboxId}/consent-links`, {
      method: "POST",
      body: { days },
    }),
};

// The dry run's plan, as the server builds it (one definition).
export type { TImportPlan };
export type TBulkLink = {
  tenant: string;
  mailboxId: string;
  address: string;
  signInAs: string;
  url: string;
  expiresAt: string;
  emailed: boolean;
};

export const onboardingApi = {
  dryRun: (csv: string) => apiFetch<{ plan: TImportPlan }>("/api/onboarding/import", { method: "POST", body: { csv, mode: "dry_run" } }),
  create: (csv: string) =>
    apiFetch<{ created: boolean; plan: TImportPlan; tenantIds: string[]; counts?: Record<string, number>; warnings?: string[] }>(
      "/api/onboarding/import",
      { method: "POST", body: { csv, mode: "create" } },
    ),
  consentLinks: (tenantIds: string[], days: number, send: boolean) =>
    apiFetch<{ links: TBulkLink[]; truncated: boolean }>("/api/onboarding/consent-links", {
      method: "POST",
      body: { tenantIds, days, send },
    }),
};

export const appEditApi = {
  update: (appId: string, body: Record<string, unknown>) => apiFetch<{ app: unknown }>(`/api/apps/${appId}`, { method: "PATCH", body }),
};
