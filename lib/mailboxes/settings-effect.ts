// What a change of a mailbox's settings will do, worked out before it is saved: the form shows it
// as the person edits, and updateMailbox refuses a change that needs a new consent unless the
// request confirms it. Pure (no database), so the browser and the server share one rule.

export type TEffectMailbox = {
  kind: "user" | "shared";
  appRegistrationId: string | null;
  delegateUpn: string | null;
  inbound: string;
  outbound: string;
  folder: string;
  afterProcessing: string;
  moveToFolder: string | null;
  state: string;
  /** The scopes the current grant holds (null: no grant). */
  grantScopes: string[] | null;
};
export type TEffectApp = { id: string; displayName: string; scopeProfile: string };
export type TEffectChange = Partial<
  Pick<TEffectMailbox, "appRegistrationId" | "delegateUpn" | "inbound" | "outbound" | "folder" | "afterProcessing" | "moveToFolder">
> & { replyTo?: string | null; signature?: string | null };

export type TSettingsEffect = {
  /** The current grant can't serve the new settings: saving moves the mailbox to pending consent. */
  needsConsent: boolean;
  /** Why a new consent is needed (plain words). */
  consentReasons: string[];
  /** Settings that can't work with the chosen app at all (the save is refused). */
  problems: string[];
  /** What else changes, for the person to read before saving. */
  notes: string[];
};

// The permission each protocol needs, by its name inside the granted scope (resource prefix dropped).
const NEEDS: Record<string, { scope: string; label: string; profiles: string[] }> = {
  "in:imap": { scope: "IMAP.AccessAsUser.All", label: "reading over IMAP", profiles: ["imap_smtp"] },
  "in:pop": { scope: "POP.AccessAsUser.All", label: "reading over POP", profiles: ["pop_smtp"] },
  "in:graph": { scope: "Mail.ReadWrite", label: "reading with Microsoft Graph", profiles: ["graph", "graph_app_only"] },
  "out:smtp": { scope: "SMTP.Send", label: "sending over SMTP", profiles: ["imap_smtp", "pop_smtp"] },
  "out:graph": { scope: "Mail.Send", label: "sending with Microsoft Graph", profiles: ["graph", "graph_app_only"] },
};
const PROFILE_NAMES: Record<string, string> = {
  imap_smtp: "IMAP + SMTP",
  pop_smtp: "POP + SMTP",
  graph: "Microsoft Graph",
  graph_app_only: "Graph app-only",
};

const bare = (s: string) => s.slice(s.lastIndexOf("/") + 1);

export function settingsEffect(cur: TEffectMailbox, change: TEffectChange, apps: TEffectApp[]): TSettingsEffect {
  const next = { ...cur, ...change };
  const out: TSettingsEffect = { needsConsent: false, consentReasons: [], problems: [], notes: [] };
  const app = apps.find((a) => a.id === next.appRegistrationId) ?? null;
  const needs = [`in:${next.inbound}`, `out:${next.outbound}`].filter((k) => NEEDS[k]).map((k) => NEEDS[k]);
  if (app)
    for (const n of needs)
      if (!n.profiles.includes(app.scopeProfile))
        out.problems.push(
          `${app.displayName} asks for ${PROFILE_NAMES[app.scopeProfile] ?? app.scopeProfile} permissions, which don't cover ${n.label}: pick an app with a matching profile, or change the app's profile.`,
        );
  const hasGrant = cur.grantScopes !== null;
  const appChanged = (change.appRegistrationId ?? cur.appRegistrationId) !== cur.appRegistrationId;
  const delegateChanged = cur.kind === "shared" && "delegateUpn" in change && change.delegateUpn !== cur.delegateUpn;
  if (hasGrant) {
    if (appChanged)
      out.consentReasons.push("The grant on file was given to the current app registration; another app needs its own consent.");
    if (delegateChanged) out.consentReasons.push(`The grant on file is ${cur.delegateUpn}'s; the new delegate has to sign in and consent.`);
    if (!appChanged) {
      const held = new Set((cur.grantScopes ?? []).map(bare));
      // Only a protocol being switched on is checked: what already runs is the grant's own business.
      const changed = [
        change.inbound !== undefined && change.inbound !== cur.inbound ? `in:${change.inbound}` : null,
        change.outbound !== undefined && change.outbound !== cur.outbound ? `out:${change.outbound}` : null,
      ]
        .filter((k): k is string => !!k && !!NEEDS[k])
        .map((k) => NEEDS[k]);
      const missing = changed.filter((n) => !held.has(n.scope));
      if (missing.length)
        out.consentReasons.push(
          `The grant on file doesn't include ${missing.map((n) => `${n.scope} (${n.label})`).join(" or ")}: the user signs in again to add it.`,
        );
    }
  }
  out.needsConsent = out.consentReasons.length > 0;
  if (out.needsConsent)
    out.notes.push(
      "Saving removes the current grant and moves the mailbox to Pending consent: sync and sending stop until someone connects it again (send a consent link or Connect).",
    );
  if (change.folder !== undefined && change.folder !== cur.folder)
    out.notes.push(`New mail is read from "${change.folder}" from its start; mail already stored from "${cur.folder}" stays.`);
  if (change.inbound !== undefined && change.inbound !== cur.inbound)
    out.notes.push(
      next.inbound === "none"
        ? "Consentry stops reading this mailbox."
        : `Reading switches to ${next.inbound.toUpperCase()}; nothing is stored twice.`,
    );
  if (change.outbound !== undefined && change.outbound !== cur.outbound && next.outbound === "none")
    out.notes.push("Consentry stops sending from this mailbox; queued mail fails once it is due.");
  if (next.afterProcessing === "delete" && cur.afterProcessing !== "delete")
    out.notes.push("Processed mail will be deleted from the mailbox in Microsoft 365 (it stays in Consentry only).");
  if (next.afterProcessing === "move" && (cur.afterProcessing !== "move" || next.moveToFolder !== cur.moveToFolder))
    out.notes.push(`Processed mail will be moved to "${next.moveToFolder}".`);
  return out;
}
