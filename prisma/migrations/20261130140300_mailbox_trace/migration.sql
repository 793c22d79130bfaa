-- The per-mailbox trace switch and its redacted transcripts (issue 13: see the conversation).
ALTER TABLE "Mailbox" ADD COLUMN     "traceUntil" TIMESTAMP(3);

CREATE TABLE "MailboxTrace" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "mailboxId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),
    "lines" JSONB NOT NULL,
    "bytes" INTEGER NOT NULL DEFAULT 0,
    "truncated" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "MailboxTrace_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "MailboxTrace_workspaceId_tenantId_mailboxId_startedAt_idx" ON "MailboxTrace"("workspaceId", "tenantId", "mailboxId", "startedAt");
CREATE INDEX "MailboxTrace_startedAt_idx" ON "MailboxTrace"("startedAt");

ALTER TABLE "MailboxTrace" ADD CONSTRAINT "MailboxTrace_mailboxId_fkey" FOREIGN KEY ("mailboxId") REFERENCES "Mailbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;
