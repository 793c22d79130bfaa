// A consent link just made for the mailbox's signer: copy it (it works until access is granted), or revoke it.
import { dateTime } from "@/lib/client/format";
import { CopyField } from "@/components/ui/copy-button";
import { RevokeLinkButton } from "@/components/consent/revoke-link-button";
import type { TConsentLink } from "./mailbox-actions";

export function ConsentLinkBox({
  link,
  signer,
  tenantId,
  canRevoke,
}: {
  link: TConsentLink;
  signer: string | null;
  tenantId: string;
  canRevoke: boolean;
}) {
  return (
    <div className="mt-4 rounded-md bg-slate-50 p-3" data-testid="consent-link">
      <CopyField label={`Consent link for ${signer}`} value={link.url} />
      <p className="mt-1 text-xs text-slate-500">
        Works until access is granted, expires {dateTime(link.expiresAt)}. Opens without a Consentry account.
      </p>
      {canRevoke && <RevokeLinkButton key={link.id} tenantId={tenantId} linkId={link.id} />}
    </div>
  );
}
