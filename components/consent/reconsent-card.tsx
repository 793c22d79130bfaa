"use client";
// "Re-consent everything that needs it" for one tenant: a consent link for every mailbox waiting
// for consent or needing re-consent, emailed through the notifier mailbox or downloaded as CSV.
import { BulkConsentLinks } from "@/components/onboarding/bulk-consent-links";
import { Card } from "@/components/ui/card";

export function ReconsentCard({ tenantId, canAct }: { tenantId: string; canAct: boolean }) {
  if (!canAct) return null;
  return (
    <Card title="Re-consent everything that needs it">
      <BulkConsentLinks tenantIds={[tenantId]} />
    </Card>
  );
}
