"use client";
// The settings card with its edit form: read-only view, and "Edit settings" for who may change it.
import { useState } from "react";
import type { TMailbox, TMailboxDetail } from "@/lib/client/wire-types";
import { useApps } from "@/lib/client/hooks/apps";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EditSettingsForm } from "./edit-settings-form";
import { SettingsCard } from "./settings-card";

export function SettingsPanel({
  m,
  tenantId,
  push,
  idle,
  canEdit,
}: {
  m: TMailbox;
  tenantId: string;
  push: TMailboxDetail["push"];
  idle: boolean;
  canEdit: boolean;
}) {
  const [editing, setEditing] = useState(false);
  const apps = useApps(tenantId, { enabled: canEdit && editing });
  if (editing && apps.data)
    return (
      <Card title="Edit settings">
        <EditSettingsForm m={m} tenantId={tenantId} apps={apps.data.apps} onDone={() => setEditing(false)} />
      </Card>
    );
  return (
    <div className="space-y-2">
      <SettingsCard m={m} push={push} idle={idle} />
      {(m.replyTo || m.signature) && (
        <p className="px-1 text-xs text-slate-500">
          {m.replyTo && <>Reply-To {m.replyTo}. </>}
          {m.signature && <>Signature set ({m.signature.length} characters).</>}
        </p>
      )}
      {canEdit && (
        <Button variant="secondary" isBusy={editing && apps.isLoading} onClick={() => setEditing(true)}>
          Edit settings
        </Button>
      )}
    </div>
  );
}
