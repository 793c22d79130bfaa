// The mailbox's protocols, folder, after-processing rule, last sync and how new mail arrives (push or poll).
import type { TMailbox, TMailboxDetail } from "@/lib/client/wire-types";
import { ago, dateTime } from "@/lib/client/format";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { SignInName } from "./sign-in-name";

export function SettingsCard({ m, push, idle }: { m: TMailbox; push: TMailboxDetail["push"]; idle: boolean }) {
  return (
    <Card title="Settings">
      <dl className="grid grid-cols-[auto,1fr] gap-x-4 gap-y-2 text-sm">
        {m.kind === "user" && (
          <>
            <dt className="text-slate-500">Sign-in name</dt>
            <dd>
              <SignInName m={m} />
            </dd>
          </>
        )}
        <dt className="text-slate-500">Inbound</dt>
        <dd>{m.inbound}</dd>
        <dt className="text-slate-500">Outbound</dt>
        <dd>{m.outbound}</dd>
        <dt className="text-slate-500">Folder</dt>
        <dd>{m.folder}</dd>
        <dt className="text-slate-500">After processing</dt>
        <dd>
          {m.afterProcessing === "move" ? (
            `move to ${m.moveToFolder}`
          ) : m.afterProcessing === "delete" ? (
            <Badge tone="red">delete</Badge>
          ) : (
            m.afterProcessing.replace("_", " ")
          )}
        </dd>
        <dt className="text-slate-500">Last sync</dt>
        <dd>{ago(m.lastSyncAt)}</dd>
        {m.inbound !== "none" && (
          <>
            <dt className="text-slate-500">New mail</dt>
            <dd data-testid="push-status">
              {push
                ? `Pushed by Graph (subscription until ${dateTime(push.expiresAt)}; last notice ${ago(push.lastNotificationAt)})`
                : idle
                  ? "Pushed by IMAP IDLE (a worker holds the folder open)"
                  : m.inbound === "graph" || m.inbound === "imap"
                    ? "Polled every minute (push starts once a worker picks it up)"
                    : "Polled every minute"}
            </dd>
          </>
        )}
      </dl>
    </Card>
  );
}
