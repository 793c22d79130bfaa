// Shapes of the API's JSON (dates arrive as ISO strings), derived from the server's DTO types.
// Type-only imports: `import type` is erased, so no server code reaches the browser bundle.
import type { TAppDto } from "@/lib/apps/app-dto";
import type { listAudit } from "@/lib/audit/list-audit";
import type { TEventLevel, TTrendDay } from "@/lib/events/list-events";
import type { listMailboxes } from "@/lib/mailboxes/manage-mailboxes";
import type { getOverview } from "@/lib/overview/get-overview";
import type { listStaff } from "@/lib/staff/list-staff";
import type { TCloud } from "@/lib/microsoft/clouds";
import type { TTenantDto } from "@/lib/tenants/tenant-dto";
import type { TJson } from "./json";

export type { TCloud };
export type TTenant = TJson<TTenantDto> & {
  health?: { connected: number; attention: number; needsReconsent: number; pending: number };
  secretExpiresAt?: string | null;
};
export type TOverview = TJson<Awaited<ReturnType<typeof getOverview>>>;
export type TStaff = TJson<Awaited<ReturnType<typeof listStaff>>[number]>;
export type TAudit = TJson<Awaited<ReturnType<typeof listAudit>>["entries"][number]>;
export type TApp = TJson<TAppDto>;
export type TSecret = TApp["secrets"][number];
export type TMailbox = TJson<Awaited<ReturnType<typeof listMailboxes>>[number]>;
export type TGrantInfo = NonNullable<TMailbox["grant"]>;

export type TEventRow = { id: string; level: TEventLevel; code: string; message: string; detail: unknown; createdAt: string; tenantId: string | null; mailboxId: string | null; tenantName: string | null; mailboxAddress: string | null };
export type TEventTrendDay = TTrendDay;
export type TMailboxHealthRow = { id: string; tenantId: string; tenantName: string; address: string; kind: string; inbound: string; outbound: string; state: string; stateCode: string | null; lastSyncAt: string | null; grant: { upn: string; lastRefreshAt: string | null; refreshTokenIssuedAt: string } | null; checks: { at: string; steps: { step: string; protocol: string; ok: boolean; code: string | null }[] } | null };
export type TApiKey = { id: string; name: string; prefix: string; scopes: string[]; hasAllTenants: boolean; tenantIds: string[]; createdByEmail: string; lastUsedAt: string | null; expiresAt: string | null; revokedAt: string | null; createdAt: string };
export type TStorage = { messageRetentionDays: number | null; messages: number; withRawMime: number; rawBytes: number; oldestRawMimeAt: string | null };
export type TNotifierBox = { id: string; address: string; tenantId: string; outbound: string; state: string; tenant: { displayName: string } };
export type TNotifierSettings = { notifier: TNotifierBox | null; candidates: TNotifierBox[] };
export type TAlerts = { recipients: string[]; kinds: string[]; defaultRecipients: string[] };
export type TWebhook = { id: string; url: string; description: string; events: string[]; hasAllTenants: boolean; tenantIds: string[]; isEnabled: boolean; lastSuccessAt: string | null; lastFailureAt: string | null; createdByEmail: string; createdAt: string; deliveries: Record<string, number> };
export type TWebhookDelivery = { id: string; eventType: string; status: "pending" | "delivering" | "delivered" | "failed"; attempts: number; lastStatusCode: number | null; lastError: string | null; nextAttemptAt: string; deliveredAt: string | null; createdAt: string };
export type THealthDay = { day: string; connected: number; attention: number; needsReconsent: number; pending: number; broke: number; recovered: number };
export type TStatusLink = { id: string; label: string; createdByEmail: string; expiresAt: string; revokedAt: string | null; lastViewedAt: string | null; createdAt: string };
export type TOutbound = { id: string; recipients: string[]; subject: string; internetMessageId: string | null; createdVia: string | null; status: "queued" | "sending" | "sent" | "failed" | "cancelled"; attempts: number; lastErrorCode: string | null; lastError: string | null; nextAttemptAt: string; sentAt: string | null; createdAt: string };
export type TTestStep = { step: "token" | "inbound" | "outbound"; protocol: string; ok: boolean; detail: string; ms: number; diagnosis?: TDiagnosisView };
export type TConnectionTest = { ok: boolean; at: string; steps: TTestStep[] };
export type TFolderConflicts = { visible: { id: string; tenantId: string; tenantName: string; afterProcessing: string }[] };
export type TMailboxDetail = { mailbox: TMailbox; events: { id: string; level: string; code: string; message: string; createdAt: string }[]; diagnosis: TDiagnosisView | null; lastTest: TConnectionTest | null; conflicts: TFolderConflicts; push: { expiresAt: string; lastNotificationAt: string | null } | null; idle: boolean };
export type TMessageRow = { id: string; subject: string | null; fromAddress: string | null; receivedAt: string; size: number };
export type TDiagnosisView = { code: string; title: string; cause: string; fixSteps: string[]; retryable?: boolean; action?: string | null };
export type TVerify = ({ ok: true } | ({ ok: false } & TDiagnosisView)) & { method?: "refresh" | "client_credentials"; mailbox?: string };
