-- CreateEnum
CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('pending', 'delivering', 'delivered', 'failed');

-- CreateTable
CREATE TABLE "WebhookEndpoint" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "events" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "sealedSecret" TEXT NOT NULL,
    "hasAllTenants" BOOLEAN NOT NULL DEFAULT true,
    "tenantIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "isEnabled" BOOLEAN NOT NULL DEFAULT true,
    "lastSuccessAt" TIMESTAMP(3),
    "lastFailureAt" TIMESTAMP(3),
    "createdByEmail" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "WebhookEndpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "endpointId" TEXT NOT NULL,
    "eventType" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "WebhookDeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastStatusCode" INTEGER,
    "lastError" TEXT,
    "claimedBy" TEXT,
    "claimedUntil" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MailboxStateChange" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "mailboxId" TEXT NOT NULL,
    "fromState" "MailboxState",
    "toState" "MailboxState" NOT NULL,
    "code" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MailboxStateChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WebhookEndpoint_workspaceId_idx" ON "WebhookEndpoint"("workspaceId");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_nextAttemptAt_idx" ON "WebhookDelivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_endpointId_createdAt_idx" ON "WebhookDelivery"("endpointId", "createdAt");

-- CreateIndex
CREATE INDEX "MailboxStateChange_workspaceId_createdAt_idx" ON "MailboxStateChange"("workspaceId", "createdAt");

-- CreateIndex
CREATE INDEX "MailboxStateChange_mailboxId_createdAt_idx" ON "MailboxStateChange"("mailboxId", "createdAt");

-- AddForeignKey
ALTER TABLE "WebhookEndpoint" ADD CONSTRAINT "WebhookEndpoint_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "WebhookEndpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MailboxStateChange" ADD CONSTRAINT "MailboxStateChange_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Triggers (not in schema.prisma: Prisma doesn't model them). They write state history and webhook
-- deliveries in the same transaction as the change, whichever code path made it.

-- One delivery per enabled endpoint of the workspace that subscribes to the event and covers the tenant.
CREATE FUNCTION consentry_enqueue_webhook(ws TEXT, tenant TEXT, event_type TEXT, data JSONB) RETURNS void AS $$
BEGIN
  INSERT INTO "WebhookDelivery" ("id", "workspaceId", "endpointId", "eventType", "payload")
  SELECT d.id, ws, e."id", event_type,
         jsonb_build_object('id', d.id, 'type', event_type, 'occurredAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'workspaceId', ws, 'tenantId', tenant, 'data', data)
  FROM "WebhookEndpoint" e CROSS JOIN LATERAL (SELECT gen_random_uuid()::text AS id) d
  WHERE e."workspaceId" = ws AND e."isEnabled" AND event_type = ANY(e."events")
    AND (e."hasAllTenants" OR tenant = ANY(e."tenantIds"));
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION consentry_mailbox_state_changed() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' OR OLD."state" IS DISTINCT FROM NEW."state" THEN
    INSERT INTO "MailboxStateChange" ("id", "workspaceId", "tenantId", "mailboxId", "fromState", "toState", "code")
    VALUES (gen_random_uuid()::text, NEW."workspaceId", NEW."tenantId", NEW."id", CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD."state" END, NEW."state", NEW."stateCode");
    IF TG_OP = 'UPDATE' THEN
      PERFORM consentry_enqueue_webhook(NEW."workspaceId", NEW."tenantId", 'mailbox.state_changed',
        jsonb_build_object('mailboxId', NEW."id", 'address', NEW."address", 'from', OLD."state", 'to', NEW."state", 'diagnosisCode', NEW."stateCode"));
    END IF;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Mailbox_state_changed" AFTER INSERT OR UPDATE OF "state" ON "Mailbox"
  FOR EACH ROW EXECUTE FUNCTION consentry_mailbox_state_changed();

CREATE FUNCTION consentry_message_received() RETURNS trigger AS $$
BEGIN
  PERFORM consentry_enqueue_webhook(NEW."workspaceId", NEW."tenantId", 'message.received',
    jsonb_build_object('mailboxId', NEW."mailboxId", 'messageId', NEW."id", 'internetMessageId', NEW."internetMessageId", 'from', NEW."fromAddress", 'subject', NEW."subject", 'size', NEW."size", 'folder', NEW."folder",
      'receivedAt', to_char(NEW."receivedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')));
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Message_received" AFTER INSERT ON "Message"
  FOR EACH ROW EXECUTE FUNCTION consentry_message_received();

CREATE FUNCTION consentry_outbound_finished() RETURNS trigger AS $$
BEGIN
  IF NEW."status" IN ('sent', 'failed') AND OLD."status" IS DISTINCT FROM NEW."status" THEN
    PERFORM consentry_enqueue_webhook(NEW."workspaceId", NEW."tenantId", 'outbound.' || NEW."status"::text,
      jsonb_build_object('mailboxId', NEW."mailboxId", 'outboundId', NEW."id", 'internetMessageId', NEW."internetMessageId", 'recipients', to_jsonb(NEW."recipients"), 'subject', NEW."subject",
        'attempts', NEW."attempts", 'diagnosisCode', NEW."lastErrorCode"));
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "OutboundMessage_finished" AFTER UPDATE OF "status" ON "OutboundMessage"
  FOR EACH ROW EXECUTE FUNCTION consentry_outbound_finished();

-- History for mailboxes that existed before this migration: their current state as a starting point.
INSERT INTO "MailboxStateChange" ("id", "workspaceId", "tenantId", "mailboxId", "fromState", "toState", "code", "createdAt")
SELECT gen_random_uuid()::text, "workspaceId", "tenantId", "id", NULL, "state", "stateCode", "createdAt" FROM "Mailbox";
