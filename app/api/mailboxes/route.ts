// All mailboxes the caller may see, for the Health page.
import { route } from "@/lib/http/route";
import { listAllMailboxes } from "@/lib/mailboxes/list-all-mailboxes";

export const GET = route({}, async ({ scope }) => ({ mailboxes: await listAllMailboxes({ workspaceId: scope.workspaceId, scope }) }));
