-- One ConsentRequest per attempt started from a consent link (issue 9, finding 13).
ALTER TABLE "ConsentRequest" ADD COLUMN     "linkRequestId" TEXT;

CREATE INDEX "ConsentRequest_linkRequestId_idx" ON "ConsentRequest"("linkRequestId");

ALTER TABLE "ConsentRequest" ADD CONSTRAINT "ConsentRequest_linkRequestId_fkey" FOREIGN KEY ("linkRequestId") REFERENCES "ConsentRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Webhook secret rotation: the previous secret keeps signing until its grace period ends.
ALTER TABLE "WebhookEndpoint" ADD COLUMN     "sealedPreviousSecret" TEXT,
ADD COLUMN     "previousSecretExpiresAt" TIMESTAMP(3);
