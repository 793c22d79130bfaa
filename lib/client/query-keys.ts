// Typed React Query key factories: every key in the app comes from here, so mutations can
// invalidate exactly what they change.
export const overviewKeys = { all: ["overview"] as const };
export const tenantKeys = {
  all: ["tenants"] as const,
  list: () => [...tenantKeys.all, "list"] as const,
  detail: (id: string) => [...tenantKeys.all, "detail", id] as const,
  statusLinks: (id: string) => [...tenantKeys.all, "status-links", id] as const,
};
export const appKeys = {
  all: ["apps"] as const,
  list: (tenantId?: string) => [...appKeys.all, "list", tenantId ?? "all"] as const,
  detail: (id: string) => [...appKeys.all, "detail", id] as const,
};
export const mailboxKeys = {
  all: ["mailboxes"] as const,
  list: (tenantId: string) => [...mailboxKeys.all, "list", tenantId] as const,
  detail: (tenantId: string, id: string) => [...mailboxKeys.all, "detail", tenantId, id] as const,
  messages: (tenantId: string, id: string, q: string) => [...mailboxKeys.detail(tenantId, id), "messages", q] as const,
  appOnly: (tenantId: string, id: string) => [...mailboxKeys.detail(tenantId, id), "app-only"] as const,
  /** The trace switch and transcripts: under the detail key, so the mailbox's actions refresh it. */
  trace: (tenantId: string, id: string) => [...mailboxKeys.detail(tenantId, id), "trace"] as const,
  /** A shared mailbox's setup wizard. */
  setup: (tenantId: string, id: string) => [...mailboxKeys.detail(tenantId, id), "setup"] as const,
  /** Every mailbox the caller may see (the health page), across tenants. */
  everywhere: () => [...mailboxKeys.all, "all"] as const,
  /** One page of `everywhere`: `search` is its query string. */
  page: (search: string) => [...mailboxKeys.all, "all", search] as const,
  trend: () => [...mailboxKeys.all, "trend"] as const,
};
export const staffKeys = { all: ["staff"] as const, list: () => [...staffKeys.all, "list"] as const };
export const auditKeys = {
  all: ["audit"] as const,
  list: (filters: Record<string, string>) => [...auditKeys.all, "list", filters] as const,
};
export const meKeys = { all: ["me"] as const };
export const eventKeys = {
  all: ["events"] as const,
  list: (filters: Record<string, string>) => [...eventKeys.all, "list", filters] as const,
  trend: (filters: Record<string, string>) => [...eventKeys.all, "trend", filters] as const,
};
export const apiKeyKeys = { all: ["api-keys"] as const, list: () => [...apiKeyKeys.all, "list"] as const };
export const outboundKeys = {
  all: ["outbound"] as const,
  list: (mailboxId: string) => [...outboundKeys.all, mailboxId] as const,
  filtered: (mailboxId: string, status: string) => [...outboundKeys.list(mailboxId), status] as const,
};
export const webhookKeys = {
  all: ["webhooks"] as const,
  list: () => [...webhookKeys.all, "list"] as const,
  deliveries: (id: string) => [...webhookKeys.all, "deliveries", id] as const,
};
export const settingsKeys = {
  all: ["settings"] as const,
  notifier: () => [...settingsKeys.all, "notifier"] as const,
  alerts: () => [...settingsKeys.all, "alerts"] as const,
  retention: () => [...settingsKeys.all, "retention"] as const,
};
/** Consent links of a tenant (optionally one mailbox's), and bulk-import previews. */
export const consentLinkKeys = {
  all: ["consent-links"] as const,
  list: (tenantId: string, mailboxId?: string) => [...consentLinkKeys.all, tenantId, mailboxId ?? "all"] as const,
};
