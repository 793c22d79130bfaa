// A valid request per route and method (body and query), built from the seeded ids, for the
// every-route and hostile-input suites. Keyed "METHOD /path/[param]" like the route list; a route
// missing here fails those suites (see e2e/support/route-list.ts).
import { randomUUID } from "node:crypto";
import type { TE2eFixture } from "./fixture";

export type TSample = {
  /** A body the route accepts from a caller allowed to use it. */
  body?: Record<string, unknown>;
  /** Query parameters the route reads: a valid value each (hostile inputs go here too). */
  query?: Record<string, string>;
  /** Body or query fields that are dates (year-0 goes there). */
  dates?: string[];
  /** Not JSON: a form post or redirect (answers are pages or plain text). */
  nonJson?: true;
  /** Authenticated with an API key, not a staff session. */
  bearer?: true;
  /** No sign-in at all. */
  public?: true;
};

export const caseKey = (method: string, path: string) => `${method} ${path}`;

export function routeSamples(f: TE2eFixture): Record<string, TSample> {
  const { alpha } = f.workspaceA.tenants;
  const secret = () => ({ value: `s3cr3t-${randomUUID()}`, expiresAt: new Date(Date.now() + 180 * 86_400_000).toISOString() });
  const outbound = { to: ["someone@example.com"], subject: "Hello", text: "Body" };
  return {
    "GET /api/api-keys": {},
    "POST /api/api-keys": { body: { name: "sample key", scopes: ["read"], hasAllTenants: false, tenantIds: [alpha] } },
    "DELETE /api/api-keys/[keyId]": {},
    "GET /api/apps": { query: { tenantId: alpha } },
    "POST /api/apps": {
      body: {
        tenantId: alpha,
        displayName: "Sample app",
        clientId: randomUUID(),
        kind: "single_tenant",
        scopeProfile: "imap_smtp",
        secret: secret(),
      },
      dates: ["secret.expiresAt"],
    },
    "GET /api/apps/[appId]": {},
    "PATCH /api/apps/[appId]": { body: { displayName: "Renamed app" } },
    "DELETE /api/apps/[appId]": {},
    "POST /api/apps/[appId]/secrets": { body: secret(), dates: ["expiresAt"] },
    "POST /api/apps/[appId]/verify": { body: {} },
    "GET /api/audit": {
      query: {
        action: "tenant.update",
        actor: "owner@acme.test",
        tenantId: alpha,
        targetType: "tenant",
        from: "2026-01-01",
        to: "2030-01-01T00:00:00Z",
        limit: "10",
      },
      dates: ["from", "to"],
    },
    "GET /api/auth/[...nextauth]": { nonJson: true, public: true },
    "POST /api/auth/[...nextauth]": { nonJson: true, public: true },
    "POST /api/consent/[token]/start": { nonJson: true, public: true },
    "GET /api/events": {
      query: {
        level: "warn",
        tenantId: alpha,
        mailboxId: f.objects.alpha.mailbox,
        code: "x",
        q: "x",
        from: "2026-01-01",
        to: "2030-01-01T00:00:00Z",
        limit: "10",
      },
      dates: ["from", "to"],
    },
    "GET /api/events/trend": { query: { tenantId: alpha, mailboxId: f.objects.alpha.mailbox, days: "7" } },
    "POST /api/graph/notifications": { body: { value: [] }, public: true },
    "GET /api/health": { public: true },
    "GET /api/mailboxes": {
      query: {
        limit: "10",
        page: "1",
        sort: "address",
        dir: "desc",
        state: "connected",
        attention: "0",
        tenantId: alpha,
        kind: "user",
        protocol: "imap",
        q: "helpdesk",
      },
    },
    "GET /api/mailboxes/trend": { query: { days: "30", tenantId: alpha } },
    "GET /api/me": {},
    "GET /api/oauth/callback": { query: { code: "abc", state: `st_${"x".repeat(43)}` }, nonJson: true, public: true },
    "POST /api/oauth/callback": { nonJson: true, public: true },
    "POST /api/oauth/retry": { nonJson: true, public: true },
    "GET /api/overview": {},
    "GET /api/settings/alerts": {},
    "PUT /api/settings/alerts": { body: { recipients: [], kinds: ["mailbox", "secret"] } },
    "GET /api/settings/notifier": {},
    "PUT /api/settings/notifier": { body: { mailboxId: null } },
    "POST /api/settings/notifier/test": { body: { to: "someone@example.com" } },
    "GET /api/settings/retention": {},
    "PUT /api/settings/retention": { body: { messageRetentionDays: 30 } },
    "GET /api/setup": { public: true },
    "POST /api/setup": {
      body: { workspaceName: "Hostile", email: "setup@example.com", name: "Setup", password: "long-enough-password" },
      public: true,
    },
    "GET /api/staff": {},
    "POST /api/staff": {
      body: {
        email: `sample-${randomUUID().slice(0, 8)}@acme.test`,
        name: "Sample",
        role: "technician",
        password: "long-enough-password",
        hasAllTenants: false,
        tenantIds: [alpha],
      },
    },
    "PATCH /api/staff/[membershipId]": { body: { role: "technician" } },
    "DELETE /api/staff/[membershipId]": {},
    "GET /api/support-bundle": { query: { tenantId: alpha, mailboxId: f.objects.alpha.mailbox, days: "7", pseudonymize: "1" } },
    "GET /api/tenants": {},
    "POST /api/tenants": { body: { displayName: "Sample tenant", primaryDomain: "sample.example.com", cloud: "global", notes: "n" } },
    "GET /api/tenants/[tenantId]": {},
    "PATCH /api/tenants/[tenantId]": { body: { notes: "changed" } },
    "DELETE /api/tenants/[tenantId]": {},
    "POST /api/tenants/[tenantId]/admin-consent": { body: { appRegistrationId: f.objects.alpha.app } },
    "POST /api/tenants/[tenantId]/admin-consent-links": { body: { appRegistrationId: f.objects.alpha.app, days: 7 } },
    "GET /api/tenants/[tenantId]/mailboxes": {},
    "POST /api/tenants/[tenantId]/mailboxes": {
      body: {
        address: `sample-${randomUUID().slice(0, 8)}@alpha.example.com`,
        kind: "user",
        appRegistrationId: f.objects.alpha.app,
        inbound: "imap",
        outbound: "smtp",
      },
    },
    "GET /api/tenants/[tenantId]/mailboxes/[mailboxId]": {},
    "PATCH /api/tenants/[tenantId]/mailboxes/[mailboxId]": { body: { folder: "INBOX", signature: "Thanks" } },
    "DELETE /api/tenants/[tenantId]/mailboxes/[mailboxId]": {},
    "GET /api/tenants/[tenantId]/mailboxes/[mailboxId]/app-only": {},
    "POST /api/tenants/[tenantId]/mailboxes/[mailboxId]/app-only": { body: { step: "consent" } },
    "POST /api/tenants/[tenantId]/mailboxes/[mailboxId]/connect": {},
    "POST /api/tenants/[tenantId]/mailboxes/[mailboxId]/consent-links": { body: { days: 7 } },
    "GET /api/tenants/[tenantId]/mailboxes/[mailboxId]/messages": { query: { limit: "10", q: "x" } },
    "GET /api/tenants/[tenantId]/mailboxes/[mailboxId]/outbound": { query: { status: "failed" } },
    "POST /api/tenants/[tenantId]/mailboxes/[mailboxId]/outbound": { body: outbound },
    "PATCH /api/tenants/[tenantId]/mailboxes/[mailboxId]/outbound": { body: { action: "retry_failed" } },
    "PATCH /api/tenants/[tenantId]/mailboxes/[mailboxId]/outbound/[outboundId]": { body: { action: "cancel" } },
    "POST /api/tenants/[tenantId]/mailboxes/[mailboxId]/pause": {},
    "DELETE /api/tenants/[tenantId]/mailboxes/[mailboxId]/pause": {},
    "POST /api/tenants/[tenantId]/mailboxes/[mailboxId]/refresh": {},
    "POST /api/tenants/[tenantId]/mailboxes/[mailboxId]/sync": {},
    "POST /api/tenants/[tenantId]/mailboxes/[mailboxId]/test": {},
    "POST /api/tenants/[tenantId]/mailboxes/[mailboxId]/test-email": { body: { to: "someone@example.com" } },
    "GET /api/tenants/[tenantId]/mailboxes/[mailboxId]/trace": {},
    "PUT /api/tenants/[tenantId]/mailboxes/[mailboxId]/trace": { body: { on: false } },
    "GET /api/tenants/[tenantId]/mailboxes/[mailboxId]/setup": {},
    "PUT /api/tenants/[tenantId]/mailboxes/[mailboxId]/setup": { body: { step: "permissions" } },
    "POST /api/tenants/[tenantId]/mailboxes/[mailboxId]/setup/checks": {},
    "GET /api/tenants/[tenantId]/status-links": {},
    "POST /api/tenants/[tenantId]/status-links": { body: { label: "sample", days: 7 } },
    "DELETE /api/tenants/[tenantId]/status-links/[linkId]": {},
    "DELETE /api/tenants/[tenantId]/consent-links/[linkId]": {},
    "POST /api/tenants/[tenantId]/consent-links/[linkId]": { body: { days: 7 } },
    "GET /api/tenants/[tenantId]/consent-links": { query: { mailboxId: f.objects.alpha.mailbox } },
    "POST /api/onboarding/import": {
      body: { csv: `tenant,mailbox\nAlpha Corp,sample-${randomUUID().slice(0, 8)}@alpha.example.com\n`, mode: "dry_run" },
    },
    "POST /api/onboarding/consent-links": { body: { tenantIds: [alpha], days: 7 } },
    "GET /api/v1/mailboxes": { query: { tenantId: alpha, state: "connected" }, bearer: true },
    "GET /api/v1/mailboxes/[mailboxId]": { bearer: true },
    "GET /api/v1/mailboxes/[mailboxId]/messages": { query: { after: randomUUID(), limit: "10" }, bearer: true },
    "POST /api/v1/mailboxes/[mailboxId]/send": { body: outbound, bearer: true },
    "GET /api/v1/messages/[messageId]": { bearer: true },
    "GET /api/v1/messages/[messageId]/raw": { bearer: true },
    "GET /api/v1/openapi.json": { public: true },
    "GET /api/v1/outbound/[outboundId]": { bearer: true },
    "GET /api/v1/status": { query: { strict: "1" }, bearer: true },
    "GET /api/webhooks": {},
    "POST /api/webhooks": {
      body: {
        url: "https://hooks.example.com/sample",
        description: "d",
        events: ["message.received"],
        hasAllTenants: false,
        tenantIds: [alpha],
      },
    },
    "GET /api/webhooks/[webhookId]": {},
    "PATCH /api/webhooks/[webhookId]": { body: { description: "changed" } },
    "DELETE /api/webhooks/[webhookId]": {},
    "POST /api/webhooks/[webhookId]/deliveries/[deliveryId]": {},
    "POST /api/webhooks/[webhookId]/test": {},
    "POST /api/webhooks/[webhookId]/rotate-secret": { body: { graceHours: 0 } },
  };
}
