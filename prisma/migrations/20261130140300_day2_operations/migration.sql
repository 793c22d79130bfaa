-- Pause and resume a mailbox (issue 12 §4): state "disabled" plus who paused it, when, and the
-- state a resume returns to.
ALTER TABLE "Mailbox" ADD COLUMN     "pausedAt" TIMESTAMP(3),
ADD COLUMN     "pausedBy" TEXT,
ADD COLUMN     "stateBeforePause" "MailboxState";

-- Consent-link management: who made each link.
ALTER TABLE "ConsentRequest" ADD COLUMN     "linkCreatedBy" TEXT;
