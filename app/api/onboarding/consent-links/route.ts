// Consent links for every mailbox that needs one in the given tenants (after an import, or
// "re-consent everything that needs it"): emailed through the notifier's outbound queue, or
// returned for a CSV download.
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { bulkConsentLinks } from "@/lib/onboarding/bulk-consent";

const body = z
  .object({
    tenantIds: z.array(ZId).min(1, "Pick at least one tenant.").max(200),
    days: z.number().int().min(1, "At least 1 day.").max(30, "At most 30 days.").optional(),
    send: z.boolean().optional(),
  })
  .strict();

export const POST = route({ body }, async ({ scope, body: b }) => {
  return NextResponse.json(await bulkConsentLinks(scope, { tenantIds: [...new Set(b.tenantIds)], days: b.days, send: b.send }), {
    status: 201,
  });
});
