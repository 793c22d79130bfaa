// The REST API described as OpenAPI 3.1, served at /api/v1/openapi.json for helpdesk integrators
// (and code generators). A test keeps it in step with the route files under app/api/v1.
const id = (name: string, what: string) => ({
  name,
  in: "path",
  required: true,
  description: what,
  schema: { type: "string", format: "uuid" },
});
const json = (schema: object, description: string) => ({ description, content: { "application/json": { schema } } });
const err = (description: string) => json({ $ref: "#/components/schemas/Error" }, description);
const common = {
  "401": err("Missing, unknown, revoked or expired API key."),
  "403": err("The key lacks the permission."),
  "429": err("Rate limited; see Retry-After."),
};

const Mailbox = {
  type: "object",
  properties: {
    id: { type: "string", format: "uuid" },
    tenantId: { type: "string", format: "uuid" },
    tenantName: { type: "string" },
    address: { type: "string", format: "email" },
    kind: { enum: ["user", "shared"] },
    delegateUpn: { type: ["string", "null"] },
    inbound: { enum: ["imap", "pop", "graph", "none"] },
    outbound: { enum: ["smtp", "graph", "none"] },
    folder: { type: "string" },
    state: {
      enum: ["pending_consent", "connected", "degraded", "failing", "needs_reconsent", "disabled"],
      description: "disabled: paused by staff (no sync; mail sent through the API is queued and held until resumed)",
    },
    pausedAt: { type: ["string", "null"], format: "date-time" },
    diagnosis: {
      oneOf: [
        { type: "null" },
        {
          type: "object",
          properties: {
            code: { type: "string" },
            title: { type: "string" },
            retryable: { type: "boolean" },
            fixSteps: { type: "array", items: { type: "string" } },
          },
        },
      ],
    },
    lastSyncAt: { type: ["string", "null"], format: "date-time" },
  },
};
const Message = {
  type: "object",
  properties: {
    id: { type: "string", format: "uuid" },
    mailboxId: { type: "string", format: "uuid" },
    internetMessageId: { type: ["string", "null"] },
    fromAddress: { type: ["string", "null"] },
    subject: { type: ["string", "null"] },
    size: { type: "integer" },
    folder: { type: "string" },
    receivedAt: { type: "string", format: "date-time" },
    storedAt: { type: "string", format: "date-time" },
    purgedAt: { type: ["string", "null"], format: "date-time", description: "When retention deleted the raw content." },
  },
};
const Outbound = {
  type: "object",
  properties: {
    id: { type: "string", format: "uuid" },
    mailboxId: { type: "string", format: "uuid" },
    recipients: { type: "array", items: { type: "string" } },
    subject: { type: "string" },
    internetMessageId: { type: ["string", "null"] },
    status: { enum: ["queued", "sending", "sent", "failed", "cancelled"] },
    attempts: { type: "integer" },
    lastErrorCode: { type: ["string", "null"], description: "A diagnosis code (see the Diagnostics page)." },
    sentAt: { type: ["string", "null"], format: "date-time" },
  },
};
const SendRequest = {
  type: "object",
  required: ["to"],
  additionalProperties: false,
  properties: {
    to: { type: "array", items: { type: "string", format: "email" }, minItems: 1, maxItems: 100 },
    cc: { type: "array", items: { type: "string", format: "email" }, maxItems: 100 },
    bcc: { type: "array", items: { type: "string", format: "email" }, maxItems: 100 },
    subject: { type: "string", maxLength: 998 },
    text: { type: "string" },
    html: { type: "string" },
    replyTo: { type: "string", format: "email" },
    inReplyTo: { type: "string", description: "Message-ID this answers, like <id@host>." },
    references: { type: "array", items: { type: "string" } },
    signature: { type: "boolean", default: true, description: "Append the mailbox's signature." },
    attachments: {
      type: "array",
      maxItems: 20,
      items: {
        type: "object",
        required: ["filename", "contentBase64"],
        properties: {
          filename: { type: "string" },
          contentType: { type: "string" },
          contentBase64: { type: "string" },
          contentId: { type: "string" },
        },
      },
      description: "At most 3 MB in all.",
    },
  },
};

export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Consentry REST API",
      version: "1",
      description:
        "Mail Consentry pulled from your customers' Microsoft 365 mailboxes, queued sends, and health for monitors. Authenticate with an API key from Settings → API keys as a Bearer token.",
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "csk_… keys from Settings → API keys" } },
      schemas: {
        Mailbox,
        Message,
        Outbound,
        SendRequest,
        Error: {
          type: "object",
          properties: {
            error: {
              type: "object",
              properties: {
                code: { type: "string" },
                message: { type: "string" },
                fields: { type: "object", additionalProperties: { type: "string" } },
              },
            },
          },
        },
      },
    },
    paths: {
      "/api/v1/status": {
        get: {
          summary: "Health for monitors",
          parameters: [{ name: "strict", in: "query", schema: { enum: ["0", "1"] }, description: "1: answer 503 when critical." }],
          responses: {
            "200": json(
              {
                type: "object",
                properties: { status: { enum: ["ok", "warning", "critical"] }, problems: { type: "array", items: Mailbox } },
              },
              "ok, warning or critical, with what needs a person.",
            ),
            "503": err("Critical (with strict=1)."),
            ...common,
          },
        },
      },
      "/api/v1/mailboxes": {
        get: {
          summary: "Mailboxes the key may see",
          description:
            "In address order. Without `limit`, every mailbox at once. With `limit`, one page: pass its `nextCursor` as `cursor` for the next page (null on the last).",
          parameters: [
            { name: "tenantId", in: "query", schema: { type: "string", format: "uuid" } },
            { name: "state", in: "query", schema: Mailbox.properties.state },
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200 } },
            { name: "cursor", in: "query", schema: { type: "string", maxLength: 1000 } },
          ],
          responses: {
            "200": json(
              {
                type: "object",
                properties: {
                  mailboxes: { type: "array", items: Mailbox },
                  nextCursor: { type: ["string", "null"], description: "Only when paging (`limit` or `cursor` given)." },
                },
              },
              "Mailboxes.",
            ),
            "404": err("Unknown tenant."),
            ...common,
          },
        },
      },
      "/api/v1/mailboxes/{mailboxId}": {
        get: {
          summary: "One mailbox",
          parameters: [id("mailboxId", "Mailbox id")],
          responses: {
            "200": json({ type: "object", properties: { mailbox: Mailbox } }, "The mailbox."),
            "404": err("Not found."),
            ...common,
          },
        },
      },
      "/api/v1/mailboxes/{mailboxId}/messages": {
        get: {
          summary: "Pulled mail in arrival order",
          description: "Keep nextCursor and call again with after=<nextCursor> to receive each message once.",
          parameters: [
            id("mailboxId", "Mailbox id"),
            { name: "after", in: "query", schema: { type: "string", format: "uuid" } },
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 500, default: 100 } },
          ],
          responses: {
            "200": json(
              {
                type: "object",
                properties: {
                  messages: { type: "array", items: Message },
                  nextCursor: { type: ["string", "null"] },
                  hasMore: { type: "boolean" },
                },
              },
              "A page.",
            ),
            "404": err("Not found."),
            ...common,
          },
        },
      },
      "/api/v1/mailboxes/{mailboxId}/send": {
        post: {
          summary: "Queue a message",
          parameters: [
            id("mailboxId", "Mailbox id"),
            { name: "Idempotency-Key", in: "header", schema: { type: "string", maxLength: 200 }, description: "The same key queues once." },
          ],
          requestBody: { required: true, content: { "application/json": { schema: SendRequest } } },
          responses: {
            "202": json({ type: "object", properties: { message: Outbound } }, "Queued."),
            "200": json({ type: "object", properties: { message: Outbound } }, "Already queued with this Idempotency-Key."),
            "400": err("Invalid message."),
            "404": err("Not found."),
            ...common,
          },
        },
      },
      "/api/v1/messages/{messageId}": {
        get: {
          summary: "One pulled message's summary",
          parameters: [id("messageId", "Message id")],
          responses: {
            "200": json({ type: "object", properties: { message: Message } }, "The summary."),
            "404": err("Not found."),
            ...common,
          },
        },
      },
      "/api/v1/messages/{messageId}/raw": {
        get: {
          summary: "A pulled message as it arrived",
          parameters: [id("messageId", "Message id")],
          responses: {
            "200": { description: "RFC 5322", content: { "message/rfc822": { schema: { type: "string", format: "binary" } } } },
            "410": err("Deleted under the retention setting."),
            "404": err("Not found."),
            ...common,
          },
        },
      },
      "/api/v1/outbound/{outboundId}": {
        get: {
          summary: "Where a queued message stands",
          parameters: [id("outboundId", "Outbound message id")],
          responses: {
            "200": json({ type: "object", properties: { message: Outbound } }, "Its status."),
            "404": err("Not found."),
            ...common,
          },
        },
      },
    },
  };
}
