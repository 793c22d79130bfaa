// Sends a test email through the notifier mailbox, so a broken sender shows up before a customer
// waits for a link that never arrives.
import { z } from "zod";
import { route } from "@/lib/http/route";
import { assertCan } from "@/lib/auth/guard";
import { sendNotifierTest } from "@/lib/notify/notifier";

const body = z.object({ to: z.string().trim().toLowerCase().email("Enter an email address.").max(254) }).strict();

export const POST = route({ body }, async ({ scope, body: b }) => {
  assertCan(scope, "manage_tenants");
  return { result: await sendNotifierTest(scope, b.to) };
});
