"use client";
// Organization (admin) consent: its state, a shareable link for the customer's admin, or a
// direct grant when the staff member is that admin.
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import type { TTenant } from "@/lib/client/wire-types";
import { dateTime } from "@/lib/client/format";
import { isNavigableSignInUrl } from "@/lib/microsoft/trusted-endpoint";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CopyField } from "@/components/ui/copy-button";
import { toast } from "@/components/ui/toaster";
import { EmailLinkForm } from "@/components/consent/email-link-form";
import { RevokeLinkButton } from "@/components/consent/revoke-link-button";
import { useApps } from "@/lib/client/hooks/apps";
import { tenantApi } from "@/lib/client/api/tenants";
import { OrgConsentDetails, CONNECT_CHECKBOX_NOTE } from "@/components/consent/org-consent-details";

/** Each app's organization consent in this tenant, and the apps without one. */
function OrgConsentList({ tenant, appIds }: { tenant: TTenant; appIds: { id: string; name: string }[] }) {
  const missing = appIds.filter((a) => !tenant.orgConsents.some((c) => c.appRegistrationId === a.id));
  return (
    <div className="space-y-3 text-sm" data-testid="org-consent-state">
      {tenant.orgConsents.map((c) => (
        <div key={c.appRegistrationId} data-testid={`org-consent-${c.appRegistrationId}`}>
          <p>
            <span className="font-medium">{c.appName}</span> <Badge tone="green">Granted</Badge>
          </p>
          <OrgConsentDetails c={c} expectedDirectoryId={tenant.directoryId} />
        </div>
      ))}
      {missing.map((a) => (
        <p key={a.id} data-testid={`org-consent-${a.id}`}>
          <span className="font-medium">{a.name}</span> <Badge>Not granted</Badge>{" "}
          <span className="text-slate-600">
            Mailbox users will be asked to consent, unless the tenant forbids it (then an admin must approve).
          </span>
        </p>
      ))}
      {tenant.orgConsents.length === 0 && appIds.length === 0 && (
        <p className="text-slate-600">Not granted. Add an app registration first.</p>
      )}
      <p className="text-xs text-slate-500">{CONNECT_CHECKBOX_NOTE}</p>
    </div>
  );
}

export function OrgConsentCard({ tenant, canRequest }: { tenant: TTenant; canRequest: boolean }) {
  const apps = useApps(tenant.id);
  const [appId, setAppId] = useState("");
  const chosen = appId || apps.data?.apps[0]?.id || "";
  const [link, setLink] = useState<{ id: string; url: string; expiresAt: string } | null>(null);
  const createLink = useMutation({
    mutationFn: () => tenantApi.createAdminConsentLink(tenant.id, chosen),
    onSuccess: (r) => setLink(r.link),
    onError: (e: Error) => toast(e.message, "error"),
  });
  const grantNow = useMutation({
    mutationFn: () => tenantApi.startAdminConsent(tenant.id, chosen),
    // Follow only an https Microsoft (or loopback sandbox) sign-in URL, whatever the server says.
    onSuccess: (r) =>
      isNavigableSignInUrl(r.url)
        ? window.location.assign(r.url)
        : toast("Consentry refused to open a sign-in address that isn't Microsoft's. Check the app's authority override.", "error"),
    onError: (e: Error) => toast(e.message, "error"),
  });
  return (
    <Card title="Consent for the organization">
      <OrgConsentList tenant={tenant} appIds={(apps.data?.apps ?? []).map((a) => ({ id: a.id, name: a.displayName }))} />
      {canRequest && (apps.data?.apps.length ?? 0) > 0 && (
        <div className="mt-4 space-y-3">
          <select
            aria-label="App for organization consent"
            className="w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
            value={chosen}
            onChange={(e) => setAppId(e.target.value)}
          >
            {apps.data?.apps.map((a) => (
              <option key={a.id} value={a.id}>
                {a.displayName}
              </option>
            ))}
          </select>
          <div className="flex flex-wrap gap-2">
            <Button variant="secondary" isBusy={createLink.isPending} onClick={() => createLink.mutate()}>
              Request organization consent
            </Button>
            <Button variant="ghost" isBusy={grantNow.isPending} onClick={() => grantNow.mutate()}>
              I&apos;m the admin: grant now
            </Button>
          </div>
          <EmailLinkForm
            endpoint={`/api/tenants/${tenant.id}/admin-consent-links`}
            body={{ appRegistrationId: chosen }}
            placeholder={`admin@${tenant.primaryDomain ?? "customer.com"}`}
            onLink={setLink}
          />
          {link && (
            <div className="rounded-md bg-slate-50 p-3" data-testid="org-consent-link">
              <CopyField label="Send this link to the customer's admin" value={link.url} />
              <p className="mt-1 text-xs text-slate-500">
                Works until consent is granted, expires {dateTime(link.expiresAt)}. No Consentry account needed.
              </p>
              <RevokeLinkButton key={link.id} tenantId={tenant.id} linkId={link.id} />
            </div>
          )}
        </div>
      )}
    </Card>
  );
}
