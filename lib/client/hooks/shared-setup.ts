// A shared mailbox's setup wizard (where it stands, its commands and last checks).
import { useQuery } from "@tanstack/react-query";
import { mailboxKeys } from "../query-keys";
import { sharedSetupApi } from "../api/shared-setup";

export const useSharedSetup = (tenantId: string, mailboxId: string) =>
  useQuery({ queryKey: mailboxKeys.setup(tenantId, mailboxId), queryFn: () => sharedSetupApi.get(tenantId, mailboxId) });
