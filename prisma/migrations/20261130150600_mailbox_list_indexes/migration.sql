-- The Health list pages, filters and sorts in PostgreSQL (issue 14): an index for each order it
-- offers, so a page reads its rows from an index instead of sorting every mailbox.
CREATE INDEX "Mailbox_workspaceId_state_address_id_idx" ON "Mailbox"("workspaceId", "state", "address", "id");

CREATE INDEX "Mailbox_workspaceId_state_idx" ON "Mailbox"("workspaceId", "state");

CREATE INDEX "Mailbox_workspaceId_address_id_idx" ON "Mailbox"("workspaceId", "address", "id");

CREATE INDEX "Mailbox_workspaceId_lastSyncAt_id_idx" ON "Mailbox"("workspaceId", "lastSyncAt", "id");
