"use client";
// Connect / Re-connect, and consent links for the person who signs in (made here or emailed).
import type { TMailbox } from "@/lib/client/wire-types";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmailLinkForm } from "@/components/consent/email-link-form";
import { ConsentLinkBox } from "./consent-link-box";
import type { TConnectMutation, TConsentLink, TSendLinkMutation } from "./mailbox-actions";

type TProps = {
  m: TMailbox;
  tenantId: string;
  mailboxId: string;
  canConnect: boolean;
  connect: TConnectMutation;
  sendLink: TSendLinkMutation;
  link: TConsentLink | null;
  setLink: (l: TConsentLink) => void;
};

export function ConnectionCard({ m, tenantId, mailboxId, canConnect, connect, sendLink, link, setLink }: TProps) {
  const g = m.grant;
  const signer = m.kind === "shared" ? m.delegateUpn : m.address;
  return (
    <Card
      title="Connection"
      actions={
        canConnect && (
          <>
            <Button isBusy={connect.isPending} onClick={() => connect.mutate()}>
              {g ? "Re-connect" : "Connect"}
            </Button>
            <Button variant="secondary" isBusy={sendLink.isPending} onClick={() => sendLink.mutate()}>
              Send consent link
            </Button>
          </>
        )
      }
    >
      <p className="text-sm text-slate-600">
        {g
          ? "Re-connect keeps this mailbox, its settings, sync position and history; only the token set is replaced."
          : `Connect sends you to Microsoft's sign-in with ${signer} pre-filled. Only ${signer} may sign in; any other account is refused.`}
      </p>
      {canConnect && m.appRegistrationId && (
        <div className="mt-4">
          <EmailLinkForm
            endpoint={`/api/tenants/${tenantId}/mailboxes/${mailboxId}/consent-links`}
            body={{}}
            defaultTo={signer ?? ""}
            onLink={setLink}
          />
        </div>
      )}
      {link && <ConsentLinkBox link={link} signer={signer} tenantId={tenantId} canRevoke={canConnect} />}
    </Card>
  );
}
