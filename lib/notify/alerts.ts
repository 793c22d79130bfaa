import "server-only";
// Alert emails to the MSP's staff, sent from the workspace's notifier mailbox through the outbound
// queue (so they retry like any mail): a mailbox that now needs a person, and client secrets
// crossing an expiry threshold. Mailbox alerts are batched per workspace per worker round, from
// the state history the database keeps; a change is alerted once, by one worker.
import { z } from "zod";
import { db } from "../db/client";
import { env } from "../env";
import { describe } from "../diagnostics/describe";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import { enqueueOutbound } from "../outbound/queue";
import { ZOutboundInput } from "../outbound/compose";
import { assertWorkspaceWide } from "../auth/guard";
import type { TScope } from "../auth/session";

export const ALERT_KINDS = ["mailbox", "secret"] as const;
export type TAlertKind = (typeof ALERT_KINDS)[number];

export const ZAlertSettings = z
  .object({
    recipients: z.array(z.string().trim().toLowerCase().email("Use valid email addresses.")).max(50).default([]),
    kinds: z.array(z.enum(ALERT_KINDS)).max(2).default([]),
  })
  .strict();

export async function getAlertSettings(workspaceId: string) {
  const ws = await db().workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { alertRecipients: true, alertKinds: true } });
  return { recipients: ws.alertRecipients, kinds: ws.alertKinds, defaultRecipients: await defaultRecipients(workspaceId) };
}

export async function setAlertSettings(opts: {
  workspaceId: string;
  actor: TAuditActor;
  scope: Pick<TScope, "role" | "hasAllTenants" | "tenantIds">;
  input: z.infer<typeof ZAlertSettings>;
}) {
  assertWorkspaceWide(opts.scope, "Alert settings apply to every tenant");
  await db().$transaction(async (tx) => {
    await tx.workspace.update({
      where: { id: opts.workspaceId },
      data: { alertRecipients: [...new Set(opts.input.recipients)], alertKinds: [...new Set(opts.input.kinds)] },
    });
    await writeAudit(tx, opts.actor, {
      action: "settings.alerts",
      targetType: "workspace",
      targetId: opts.workspaceId,
      detail: { recipients: opts.input.recipients.length, kinds: opts.input.kinds },
    });
  });
  return getAlertSettings(opts.workspaceId);
}

/** What a caller may read: staff limited to some tenants don't see who gets alerts (other staff's
 *  addresses, alerts naming any tenant). */
export async function alertSettingsFor(scope: { workspaceId: string; hasAllTenants: boolean }) {
  const a = await getAlertSettings(scope.workspaceId);
  return scope.hasAllTenants ? { ...a, recipientsHidden: false } : { ...a, recipients: [], defaultRecipients: [], recipientsHidden: true };
}

/** Owners and admins who see every tenant: alerts name any tenant, so only they get them by default. */
async function defaultRecipients(workspaceId: string) {
  const m = await db().membership.findMany({
    where: { workspaceId, role: { in: ["owner", "admin"] }, hasAllTenants: true, staffUser: { isDisabled: false } },
    select: { staffUser: { select: { email: true } } },
  });
  return m.map((x) => x.staffUser.email).sort();
}

/** Queues one alert email from the notifier mailbox; false when there is no notifier or the kind is off. */
export async function queueAlert(workspaceId: string, kind: TAlertKind, subject: string, text: string): Promise<boolean> {
  const ws = await db().workspace.findUnique({
    where: { id: workspaceId },
    select: {
      alertKinds: true,
      alertRecipients: true,
      notifierMailbox: { select: { id: true, tenantId: true, state: true, outbound: true } },
    },
  });
  const n = ws?.notifierMailbox;
  if (!ws || !n || n.outbound === "none" || !ws.alertKinds.includes(kind)) return false;
  const to = ws.alertRecipients.length ? ws.alertRecipients : await defaultRecipients(workspaceId);
  if (!to.length) return false;
  await enqueueOutbound(
    { workspaceId, tenantId: n.tenantId, mailboxId: n.id },
    ZOutboundInput.parse({ to, subject, text, signature: false }),
    { createdVia: `alert:${kind}` },
  );
  return true;
}

const ALERT_STATES = ["needs_reconsent", "failing", "degraded"] as const;

/** One worker round: alert about mailboxes that newly need a person. Returns the changes handled. */
export async function sendMailboxAlerts(): Promise<number> {
  const base = env().CONSENTRY_PUBLIC_URL.replace(/\/$/, "");
  // Claim unalerted changes (SKIP LOCKED: several workers never alert twice), marking them now.
  const rows = await db().$queryRaw<
    { id: string; workspaceId: string; tenantId: string; mailboxId: string; toState: string; code: string | null }[]
  >`
    UPDATE "MailboxStateChange" SET "alertedAt" = ${new Date()}
    WHERE "id" IN (SELECT "id" FROM "MailboxStateChange" WHERE "alertedAt" IS NULL ORDER BY "createdAt" LIMIT 500 FOR UPDATE SKIP LOCKED)
    RETURNING "id", "workspaceId", "tenantId", "mailboxId", "toState"::text AS "toState", "code"`;
  // Only what a person must fix: a transient cause retries by itself.
  const passing = (code: string | null) => {
    const e = describe(code);
    return !!e && e.isKnown && e.transient;
  };
  const worth = rows.filter((r) => (ALERT_STATES as readonly string[]).includes(r.toState) && !passing(r.code));
  const byWs = new Map<string, typeof worth>();
  for (const r of worth) byWs.set(r.workspaceId, [...(byWs.get(r.workspaceId) ?? []), r]);
  for (const [workspaceId, changes] of byWs) {
    // The newest change per mailbox, and only if that is still the mailbox's state.
    const latest = new Map(changes.map((c) => [c.mailboxId, c]));
    const mbs = await db().mailbox.findMany({
      where: { id: { in: [...latest.keys()] }, workspaceId },
      select: { id: true, address: true, state: true, stateCode: true, tenantId: true, tenant: { select: { displayName: true } } },
    });
    const still = mbs.filter((m) => latest.get(m.id)?.toState === m.state);
    if (!still.length) continue;
    const lines = still.map((m) => {
      const d = describe(m.stateCode);
      const what = d?.isKnown ? `${d.title}. Fix: ${d.fixSteps[0]}` : m.state;
      return `- ${m.address} (${m.tenant.displayName}): ${m.state.replace("_", " ")}. ${what}\n  ${base}/tenants/${m.tenantId}/mailboxes/${m.id}`;
    });
    const subject =
      still.length === 1 ? `Consentry: ${still[0].address} needs attention` : `Consentry: ${still.length} mailboxes need attention`;
    const text = `These mailboxes stopped working fully and need a person:\n\n${lines.join("\n")}\n\nHealth: ${base}/health\n\nYou get this because you are set as an alert recipient in Consentry (Settings → Notifications).`;
    await queueAlert(workspaceId, "mailbox", subject, text).catch(() => false);
  }
  return rows.length;
}
