"use client";
// What is wrong with the mailbox now, with the button that fixes it where Consentry can act.
import Link from "next/link";
import type { TDiagnosisView, TMailbox } from "@/lib/client/wire-types";
import { Button } from "@/components/ui/button";
import { DiagnosisBox } from "@/components/diagnosis-box";
import type { TConnectMutation, TRefreshMutation, TSendLinkMutation, TTestMutation } from "./mailbox-actions";

type TProps = {
  d: TDiagnosisView;
  m: TMailbox;
  tenantId: string;
  canConnect: boolean;
  connect: TConnectMutation;
  sendLink: TSendLinkMutation;
  testNow: TTestMutation;
  refreshNow: TRefreshMutation;
};

export function MailboxDiagnosis({ d, m, tenantId, canConnect, connect, sendLink, testNow, refreshNow }: TProps) {
  const g = m.grant;
  return (
    <DiagnosisBox
      d={d}
      actions={
        canConnect && (
          <>
            {d.action === "send_reconsent_link" && (
              <>
                <Button isBusy={sendLink.isPending} onClick={() => sendLink.mutate()}>
                  Send re-consent link
                </Button>
                <Button variant="secondary" isBusy={connect.isPending} onClick={() => connect.mutate()}>
                  Re-connect now
                </Button>
              </>
            )}
            {d.action === "test_again" && (
              <Button isBusy={testNow.isPending} onClick={() => testNow.mutate()}>
                Test again
              </Button>
            )}
            {(d.action === "rotate_secret" || d.action === "fix_redirect_uri") && m.appRegistrationId && (
              <Link
                className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700"
                href={`/tenants/${tenantId}/apps/${m.appRegistrationId}`}
              >
                {d.action === "rotate_secret" ? "Rotate secret" : "Open the app's redirect URI"}
              </Link>
            )}
            {d.action === "request_org_consent" && (
              <Link
                className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700"
                href={`/tenants/${tenantId}`}
              >
                Request organization consent
              </Link>
            )}
            {d.retryable && g && (
              <Button variant="secondary" isBusy={refreshNow.isPending} onClick={() => refreshNow.mutate()}>
                Retry now
              </Button>
            )}
          </>
        )
      }
    />
  );
}
