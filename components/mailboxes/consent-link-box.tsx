// A consent link just made for the mailbox's signer: copy it, single use, with its expiry.
import { dateTime } from "@/lib/client/format";
import { CopyField } from "@/components/ui/copy-button";
import type { TConsentLink } from "./mailbox-actions";

export function ConsentLinkBox({ link, signer }: { link: TConsentLink; signer: string | null }) {
  return (
    <div className="mt-4 rounded-md bg-slate-50 p-3" data-testid="consent-link">
      <CopyField label={`Consent link for ${signer}`} value={link.url} />
      <p className="mt-1 text-xs text-slate-500">Single use, expires {dateTime(link.expiresAt)}. Opens without a Consentry account.</p>
    </div>
  );
}
