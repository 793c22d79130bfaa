// App registration writes: create, verify the active secret, add a secret (rotate), delete.
import { apiFetch } from "../api-client";
import type { TApp, TVerify } from "../wire-types";

export const appApi = {
  create: (body: unknown) => apiFetch<{ app: TApp }>("/api/apps", { method: "POST", body }),
  verify: (appId: string, tenantId: string) =>
    apiFetch<{ result: TVerify }>(`/api/apps/${appId}/verify`, { method: "POST", body: { tenantId } }),
  addSecret: (appId: string, body: unknown) => apiFetch<{ result: TVerify }>(`/api/apps/${appId}/secrets`, { method: "POST", body }),
  remove: (appId: string) => apiFetch(`/api/apps/${appId}`, { method: "DELETE" }),
};
