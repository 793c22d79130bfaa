// Shapes of the API's JSON (dates arrive as ISO strings), derived from the server's DTO types.
// Type-only imports: `import type` is erased, so no server code reaches the browser bundle.
import type { TAppDto } from "@/lib/apps/app-dto";
import type { listAudit } from "@/lib/audit/list-audit";
import type { listEvents, TTrendDay } from "@/lib/events/list-events";
import type { listMailboxes } from "@/lib/mailboxes/manage-mailboxes";
import type { getOverview } from "@/lib/overview/get-overview";
import type { listStaff } from "@/lib/staff/list-staff";
import type { TCloud } from "@/lib/microsoft/clouds";
import type { TTenantDto } from "@/lib/tenants/tenant-dto";
import type { listApiKeys } from "@/lib/api-keys/api-keys";
import type { healthTrend } from "@/lib/health/trends";
import type { listAllMailboxes } from "@/lib/mailboxes/list-all-mailboxes";
import type { pageMailboxes } from "@/lib/mailboxes/mailbox-page";
import type { listMessages } from "@/lib/mailboxes/list-messages";
import type { getSharedSetup } from "@/lib/mailboxes/shared-setup";
import type { alertSettingsFor } from "@/lib/notify/alerts";
import type { getNotifier, notifierFor } from "@/lib/notify/notifier";
import type { listOutbound } from "@/lib/outbound/queue";
import type { storageStats } from "@/lib/retention/retention";
import type { listStatusLinks } from "@/lib/status/status-links";
import type { listDeliveries, listWebhooks } from "@/lib/webhooks/webhooks";
import type { TAppOrgConsent } from "@/lib/consent/org-consent";
import type { TJson } from "./json";
import type { TFixLink } from "@/lib/diagnostics/fix-links";

export type { TCloud };
export type TTenant = TJson<TTenantDto> & {
  health?: { connected: number; attention: number; needsReconsent: number; pending: number };
  secretExpiresAt?: string | null;
};
export type TOverview = TJson<Awaited<ReturnType<typeof getOverview>>>;
export type TStaff = TJson<Awaited<ReturnType<typeof listStaff>>[number]>;
export type TAudit = TJson<Awaited<ReturnType<typeof listAudit>>["entries"][number]>;
export type TApp = TJson<TAppDto> & { orgConsents?: TJson<TAppOrgConsent>[] };
export type TSecret = TApp["secrets"][number];
export type TMailbox = TJson<Awaited<ReturnType<typeof listMailboxes>>[number]>;
export type TGrantInfo = NonNullable<TMailbox["grant"]>;

export type TEventRow = TJson<Awaited<ReturnType<typeof listEvents>>["events"][number]>;
export type TEventTrendDay = TTrendDay;
export type TMailboxHealthRow = TJson<Awaited<ReturnType<typeof listAllMailboxes>>[number]>;
/** One page of `GET /api/mailboxes`: its rows (as TMailboxHealthRow), the total, counts per state. */
export type TMailboxPage = TJson<Awaited<ReturnType<typeof pageMailboxes>>>;
export type TApiKey = TJson<Awaited<ReturnType<typeof listApiKeys>>[number]>;
export type TStorage = TJson<Awaited<ReturnType<typeof storageStats>>>;
export type TNotifierBox = TJson<NonNullable<Awaited<ReturnType<typeof getNotifier>>>>;
// A notifier outside a limited caller's tenants comes without its id and tenant.
export type TNotifierSettings = {
  notifier: TJson<NonNullable<Awaited<ReturnType<typeof notifierFor>>>> | null;
  candidates: TNotifierBox[];
};
export type TAlerts = TJson<Awaited<ReturnType<typeof alertSettingsFor>>>;
export type TWebhook = TJson<Awaited<ReturnType<typeof listWebhooks>>[number]>;
export type TWebhookDelivery = TJson<Awaited<ReturnType<typeof listDeliveries>>[number]>;
export type THealthDay = TJson<Awaited<ReturnType<typeof healthTrend>>[number]>;
export type TStatusLink = TJson<Awaited<ReturnType<typeof listStatusLinks>>[number]>;
export type TOutbound = TJson<Awaited<ReturnType<typeof listOutbound>>[number]>;
export type TTestStep = {
  step: "token" | "inbound" | "outbound";
  protocol: string;
  ok: boolean;
  detail: string;
  ms: number;
  /** `evidence.facts`: what Consentry checked to choose this diagnosis (shared mailboxes). */
  diagnosis?: TDiagnosisView & { evidence?: { summary?: string; facts?: string[] } };
};
export type TSharedSetup = TJson<Awaited<ReturnType<typeof getSharedSetup>>>;
export type TConnectionTest = { ok: boolean; at: string; steps: TTestStep[] };
export type TFolderConflicts = { visible: { id: string; tenantId: string; tenantName: string; afterProcessing: string }[] };
export type TMailboxDetail = {
  mailbox: TMailbox;
  events: { id: string; level: string; code: string; message: string; createdAt: string }[];
  diagnosis: TDiagnosisView | null;
  lastTest: TConnectionTest | null;
  conflicts: TFolderConflicts;
  push: { expiresAt: string; lastNotificationAt: string | null } | null;
  idle: boolean;
  /** Workers with a fresh heartbeat right now. */
  workersAlive?: number;
  /** When the mailbox entered its current state (from its state history). */
  stateSince?: string | null;
  /** When Consentry next asks Microsoft for a token (a revocation shows then); null without a grant. */
  nextRefreshAt: string | null;
};
export type TMessageRow = TJson<Awaited<ReturnType<typeof listMessages>>["messages"][number]>;
export type TDiagnosisView = {
  code: string;
  title: string;
  cause: string;
  fixSteps: string[];
  retryable?: boolean;
  action?: string | null;
  /** Where the fix is done (lib/diagnostics/fix-links.ts), when the server knows the tenant. */
  links?: TFixLink[];
};
export type TVerify = ({ ok: true } | ({ ok: false } & TDiagnosisView)) & { method?: "refresh" | "client_credentials"; mailbox?: string };
