// Staff writes: invite, change role or tenants, disable, remove.
import { apiFetch } from "../api-client";

export const staffApi = {
  create: (body: unknown) => apiFetch("/api/staff", { method: "POST", body }),
  update: (id: string, body: Record<string, unknown>) => apiFetch(`/api/staff/${id}`, { method: "PATCH", body }),
  remove: (id: string) => apiFetch(`/api/staff/${id}`, { method: "DELETE" }),
};
