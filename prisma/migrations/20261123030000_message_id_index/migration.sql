-- CreateIndex
CREATE INDEX "Message_mailboxId_internetMessageId_idx" ON "Message"("mailboxId", "internetMessageId");
