// Tenant writes: create, update, delete, status links and organization (admin) consent.
import { apiFetch } from "../api-client";
import type { TTenant } from "../wire-types";

export const tenantApi = {
  create: (body: unknown) => apiFetch<{ tenant: TTenant & { warning?: string | null } }>("/api/tenants", { method: "POST", body }),
  update: (tenantId: string, body: unknown) => apiFetch(`/api/tenants/${tenantId}`, { method: "PATCH", body }),
  remove: (tenantId: string) => apiFetch(`/api/tenants/${tenantId}`, { method: "DELETE" }),
  createStatusLink: (tenantId: string, body: { label: string; days: number }) =>
    apiFetch<{ url: string }>(`/api/tenants/${tenantId}/status-links`, { method: "POST", body }),
  revokeStatusLink: (tenantId: string, id: string) => apiFetch(`/api/tenants/${tenantId}/status-links/${id}`, { method: "DELETE" }),
  createAdminConsentLink: (tenantId: string, appRegistrationId: string) =>
    apiFetch<{ link: { id: string; url: string; expiresAt: string } }>(`/api/tenants/${tenantId}/admin-consent-links`, {
      method: "POST",
      body: { appRegistrationId },
    }),
  revokeConsentLink: (tenantId: string, linkId: string) =>
    apiFetch(`/api/tenants/${tenantId}/consent-links/${linkId}`, { method: "DELETE" }),
  startAdminConsent: (tenantId: string, appRegistrationId: string) =>
    apiFetch<{ url: string }>(`/api/tenants/${tenantId}/admin-consent`, { method: "POST", body: { appRegistrationId } }),
};
