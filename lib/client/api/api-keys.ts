// API key writes: create (the key is shown once) and revoke.
import { apiFetch } from "../api-client";
import type { TApiKey } from "../wire-types";

export const apiKeyApi = {
  create: (body: unknown) => apiFetch<{ key: string; apiKey: TApiKey }>("/api/api-keys", { method: "POST", body }),
  revoke: (id: string) => apiFetch(`/api/api-keys/${id}`, { method: "DELETE" }),
};
