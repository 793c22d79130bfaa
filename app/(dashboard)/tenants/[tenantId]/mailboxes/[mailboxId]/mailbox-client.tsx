"use client";
// The mailbox page: one card per concern (components/mailboxes/), sharing the page query and the
// actions the diagnosis box repeats.
import { useState } from "react";
import { useMailbox } from "@/lib/client/hooks/mailboxes";
import { useApps } from "@/lib/client/hooks/apps";
import { AppOnlyChecklistCard } from "@/components/mailboxes/app-only-checklist-card";
import { ConnectionCard } from "@/components/mailboxes/connection-card";
import { ConnectionTestCard } from "@/components/mailboxes/connection-test-card";
import { FolderConflicts } from "@/components/mailboxes/folder-conflicts";
import { LogCard } from "@/components/mailboxes/log-card";
import {
  type TConsentLink,
  useConnectMailbox,
  useRefreshToken,
  useSendConsentLink,
  useTestConnection,
} from "@/components/mailboxes/mailbox-actions";
import { MailboxDiagnosis } from "@/components/mailboxes/mailbox-diagnosis";
import { MailboxHeader } from "@/components/mailboxes/mailbox-header";
import { MessagesCard } from "@/components/mailboxes/messages-card";
import { OutboxCard } from "@/components/mailboxes/outbox-card";
import { RemoveMailboxCard } from "@/components/mailboxes/remove-mailbox-card";
import { PauseCard } from "@/components/mailboxes/pause-card";
import { SettingsPanel } from "@/components/mailboxes/settings-panel";
import { ConsentLinksCard } from "@/components/consent/consent-links-card";
import { TokenCard } from "@/components/mailboxes/token-card";
import { TraceCard } from "@/components/mailboxes/trace-card";

export function MailboxClient({
  tenantId,
  tenantName,
  mailboxId,
  canConnect,
}: {
  tenantId: string;
  tenantName: string;
  mailboxId: string;
  canConnect: boolean;
}) {
  const q = useMailbox(tenantId, mailboxId, { refetchInterval: 10_000 });
  const [link, setLink] = useState<TConsentLink | null>(null);
  const connect = useConnectMailbox(tenantId, mailboxId);
  const sendLink = useSendConsentLink(tenantId, mailboxId, setLink);
  const { refreshNow, refreshResult } = useRefreshToken(tenantId, mailboxId);
  const testNow = useTestConnection(tenantId, mailboxId);
  const apps = useApps(tenantId);
  const data = q.data;
  if (!data) return <p className="text-sm text-slate-500">{q.isError ? "Couldn't load the mailbox." : "Loading…"}</p>;
  const m = data.mailbox;
  // An app-only app connects with its own identity: the checklist replaces Connect and the user token panel.
  const profile = apps.data?.apps.find((a) => a.id === m.appRegistrationId)?.scopeProfile;
  const isAppOnly = profile === "graph_app_only" || profile === "exchange_app_only";
  return (
    <div className="space-y-6">
      <MailboxHeader m={m} tenantId={tenantId} tenantName={tenantName} />
      <FolderConflicts m={m} conflicts={data.conflicts} />
      {data.diagnosis && (
        <MailboxDiagnosis
          d={data.diagnosis}
          m={m}
          tenantId={tenantId}
          canConnect={canConnect}
          connect={connect}
          sendLink={sendLink}
          testNow={testNow}
          refreshNow={refreshNow}
        />
      )}
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          {isAppOnly && m.appRegistrationId ? (
            <AppOnlyChecklistCard
              tenantId={tenantId}
              mailboxId={mailboxId}
              appRegistrationId={m.appRegistrationId}
              canConnect={canConnect}
            />
          ) : (
            <ConnectionCard
              m={m}
              tenantId={tenantId}
              mailboxId={mailboxId}
              canConnect={canConnect}
              connect={connect}
              sendLink={sendLink}
              link={link}
              setLink={setLink}
            />
          )}
          <ConnectionTestCard
            m={m}
            lastTest={data.lastTest}
            tenantId={tenantId}
            mailboxId={mailboxId}
            canConnect={canConnect}
            testNow={testNow}
            stateSince={data.stateSince ?? null}
          />
          <MessagesCard tenantId={tenantId} mailboxId={mailboxId} m={m} canSync={canConnect} workersAlive={data.workersAlive} />
          <OutboxCard tenantId={tenantId} mailboxId={mailboxId} outbound={m.outbound} state={m.state} canAct={canConnect} />
          {!isAppOnly && (
            <TokenCard
              m={m}
              nextRefreshAt={data.nextRefreshAt}
              canConnect={canConnect}
              refreshNow={refreshNow}
              refreshResult={refreshResult}
            />
          )}
          <TraceCard tenantId={tenantId} mailboxId={mailboxId} canConnect={canConnect} />
          <LogCard tenantId={tenantId} mailboxId={m.id} events={data.events} />
        </div>
        <div className="space-y-6">
          <SettingsPanel m={m} tenantId={tenantId} push={data.push} idle={data.idle} canEdit={canConnect} />
          <PauseCard m={m} tenantId={tenantId} canAct={canConnect} />
          <ConsentLinksCard tenantId={tenantId} mailboxId={mailboxId} canAct={canConnect} />
          {canConnect && <RemoveMailboxCard m={m} tenantId={tenantId} mailboxId={mailboxId} />}
        </div>
      </div>
    </div>
  );
}
