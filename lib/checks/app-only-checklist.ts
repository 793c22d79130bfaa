import "server-only";
// The app-only checklist of one mailbox (its app connects with its own identity, no user): each
// step is checked live, on demand, and its last result is kept (AppOnlyCheck.steps).
//  1. consent     a client-credentials token whose `roles` hold what the profile needs
//  2. exchange    (IMAP/POP/SMTP) Exchange lets the app's service principal into this mailbox
//  3. graph_scope (Graph) the app reads this mailbox, and not one outside its management scope
//  4. connection  the connection test over each protocol the mailbox uses
// When every step that applies passes, a mailbox waiting for consent becomes connected.
// The PowerShell shown is filled with this tenant's values: the app id, the service principal's
// object id from the token's `oid` (the enterprise application's, not the app registration's),
// and the mailbox. Facts: learn.microsoft.com/exchange/permissions-exo/application-rbac and
// learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { notFound, badRequest } from "../core/errors";
import type { TMailboxRef } from "../core/scope";
import { hostsFor } from "../microsoft/hosts-for";
import { APP_ONLY_ROLES, isAppOnlyProfile, type TAppOnlyProfile } from "../microsoft/scope-profiles";
import { graphClient, graphFailure } from "../mail/graph";
import { classify, diagnosisFromCatalog, type TDiagnosis } from "../diagnostics/classify";
import type { TMicrosoftFailure } from "../microsoft/parse-error";
import type { TDiagnosisCode } from "../diagnostics/catalog";
import { TokenError } from "../grants/get-access-token";
import { appOnlyToken, appOnlyTokenInfo } from "../grants/app-only-token";
import { markConnected } from "../mailboxes/mailbox-state";
import type { TAuditActor } from "../audit/write-audit";
import { testMailboxConnection } from "./connection-test";

export type TAppOnlyStepId = "consent" | "exchange" | "graph_scope" | "connection";
export type TAppOnlyStepResult = { ok: boolean; at: string; detail: string; warning?: string; diagnosis?: TDiagnosis };
export type TAppOnlyStep = { id: TAppOnlyStepId; title: string; result: TAppOnlyStepResult | null };
export type TPowerShell = { label: string; command: string };
export type TAppOnlyChecklist = {
  profile: TAppOnlyProfile;
  appId: string;
  appName: string;
  mailbox: string;
  spObjectId: string | null;
  requiredRoles: string[];
  steps: TAppOnlyStep[];
  powershell: {
    register: TPowerShell[];
    mailboxPermission: TPowerShell[];
    rbac: TPowerShell[];
    verify: TPowerShell[];
  };
  outsideAddress: string | null;
  /** The app tokens of this app in this tenant, as the token panel shows them (never the value). */
  tokens: { resource: string; expiresAt: string | null; roles: string[]; lastRefreshAt: string | null; lastErrorCode: string | null }[];
  allOk: boolean;
};

const TITLES: Record<TAppOnlyStepId, string> = {
  consent: "Admin consent for the application permissions",
  exchange: "Exchange: the app's service principal registered and given this mailbox",
  graph_scope: "Graph: limited to the mailboxes it may read",
  connection: "Connection test",
};
const SCOPE_NAME = "Consentry mailboxes";
const SCOPE_FILTER = "CustomAttribute1 -eq 'consentry'";

async function load(ref: TMailboxRef) {
  const mb = await db().mailbox.findFirst({
    where: { id: ref.mailboxId, workspaceId: ref.workspaceId, tenantId: ref.tenantId },
    select: {
      address: true,
      inbound: true,
      outbound: true,
      state: true,
      tenant: { select: { cloud: true } },
      appRegistration: { select: { id: true, clientId: true, displayName: true, scopeProfile: true, workspaceId: true } },
      appOnlyCheck: true,
    },
  });
  if (!mb) throw notFound("Mailbox");
  const app = mb.appRegistration;
  if (!app || app.workspaceId !== ref.workspaceId || !isAppOnlyProfile(app.scopeProfile))
    throw badRequest("This mailbox's app isn't app-only: connect it with a user's consent.");
  return { mb, app: { ...app, scopeProfile: app.scopeProfile as TAppOnlyProfile } };
}

function protocolsOf(mb: { inbound: string; outbound: string }) {
  return [mb.inbound, mb.outbound].filter((p): p is "imap" | "pop" | "smtp" | "graph" => p !== "none");
}

function requiredRoles(profile: TAppOnlyProfile, mb: { inbound: string; outbound: string }): string[] {
  if (profile === "graph_app_only") return []; // Graph's Mail roles may come from RBAC for Applications instead
  return protocolsOf(mb)
    .filter((p): p is "imap" | "pop" | "smtp" => p !== "graph")
    .map((p) => APP_ONLY_ROLES[p]);
}

function stepsOf(profile: TAppOnlyProfile): TAppOnlyStepId[] {
  return profile === "exchange_app_only" ? ["consent", "exchange", "connection"] : ["consent", "graph_scope", "connection"];
}

function powershell(v: { appId: string; sp: string | null; mailbox: string; profile: TAppOnlyProfile; outbound: string; inbound: string }) {
  const sp = v.sp ?? "<the enterprise application's object id: check step 1 first>";
  const graphRoles =
    v.profile === "graph_app_only"
      ? [...(v.inbound === "graph" ? ["Application Mail.ReadWrite"] : []), ...(v.outbound === "graph" ? ["Application Mail.Send"] : [])]
      : v.outbound === "smtp"
        ? ["Application SMTP.SendAsApp"]
        : [];
  return {
    register: [
      {
        label: "Register the app's service principal in Exchange Online",
        command: `New-ServicePrincipal -AppId ${v.appId} -ObjectId ${sp}`,
      },
    ],
    mailboxPermission: [
      {
        label: "Give it this mailbox (IMAP, POP and SMTP need this)",
        command: `Add-MailboxPermission -Identity ${v.mailbox} -User ${sp} -AccessRights FullAccess`,
      },
    ],
    rbac: [
      { label: "Mark the mailbox", command: `Set-Mailbox -Identity ${v.mailbox} -CustomAttribute1 consentry` },
      {
        label: "A management scope of the marked mailboxes",
        command: `New-ManagementScope -Name "${SCOPE_NAME}" -RecipientRestrictionFilter "${SCOPE_FILTER}"`,
      },
      ...graphRoles.map((role) => ({
        label: `Grant ${role} within that scope`,
        command: `New-ManagementRoleAssignment -App ${sp} -Role "${role}" -CustomResourceScope "${SCOPE_NAME}"`,
      })),
    ],
    verify: [
      {
        label: "Check what the app may do on this mailbox",
        command: `Test-ServicePrincipalAuthorization -Identity ${v.appId} -Resource ${v.mailbox}`,
      },
    ],
  };
}

export async function getAppOnlyChecklist(ref: TMailboxRef): Promise<TAppOnlyChecklist> {
  const { mb, app } = await load(ref);
  const stored = (mb.appOnlyCheck?.steps as Record<string, TAppOnlyStepResult> | null) ?? {};
  const tokens = await appOnlyTokenInfo({ workspaceId: ref.workspaceId, tenantId: ref.tenantId, appRegistrationId: app.id });
  const sp = tokens.find((t) => t.spObjectId)?.spObjectId ?? null;
  const steps = stepsOf(app.scopeProfile).map((id) => ({ id, title: TITLES[id], result: stored[id] ?? null }));
  return {
    profile: app.scopeProfile,
    appId: app.clientId,
    appName: app.displayName,
    mailbox: mb.address,
    spObjectId: sp,
    requiredRoles: requiredRoles(app.scopeProfile, mb),
    steps,
    powershell: powershell({
      appId: app.clientId,
      sp,
      mailbox: mb.address,
      profile: app.scopeProfile,
      outbound: mb.outbound,
      inbound: mb.inbound,
    }),
    outsideAddress: mb.appOnlyCheck?.outsideAddress ?? null,
    tokens: tokens.map((t) => ({
      resource: t.resource,
      expiresAt: t.expiresAt?.toISOString() ?? null,
      roles: t.roles,
      lastRefreshAt: t.lastRefreshAt?.toISOString() ?? null,
      lastErrorCode: t.lastErrorCode,
    })),
    allOk: steps.every((s) => s.result?.ok),
  };
}

const now = () => new Date().toISOString();

function tokenFailure(err: unknown): TAppOnlyStepResult {
  if (!(err instanceof TokenError)) throw err;
  return { ok: false, at: now(), detail: err.message, diagnosis: diagnosisFromCatalog(err.code as TDiagnosisCode, err.message) };
}

async function checkConsent(
  ref: TMailboxRef,
  app: { id: string; scopeProfile: TAppOnlyProfile },
  mb: { inbound: string; outbound: string; tenant: { cloud: "global" | "usgov" | "china" | "sandbox" } },
) {
  const hosts = hostsFor(mb.tenant.cloud);
  const resources = new Set<string>();
  for (const p of protocolsOf(mb)) resources.add(p === "graph" ? hosts.graphResource : hosts.outlookResource);
  if (!resources.size) resources.add(app.scopeProfile === "graph_app_only" ? hosts.graphResource : hosts.outlookResource);
  const roles = new Set<string>();
  for (const resource of resources) {
    try {
      const t = await appOnlyToken({ workspaceId: ref.workspaceId, tenantId: ref.tenantId, appRegistrationId: app.id }, resource, {
        forceRefresh: true,
      });
      t.roles.forEach((r) => roles.add(r));
    } catch (err) {
      return tokenFailure(err);
    }
  }
  const need = requiredRoles(app.scopeProfile, mb);
  const missing = need.filter((r) => !roles.has(r));
  const granted = [...roles].sort();
  if (missing.length)
    return {
      ok: false,
      at: now(),
      detail: `The app's token lacks ${missing.join(", ")} (it has: ${granted.join(", ") || "no application permission"}).`,
      diagnosis: diagnosisFromCatalog("app_only_missing_role", `roles: ${granted.join(" ") || "none"}`),
    };
  const tenantWide = granted.filter((r) => /^Mail\./.test(r));
  return {
    ok: true,
    at: now(),
    detail: `Microsoft issued the app's token with ${granted.join(", ") || "no Entra application permission (Exchange RBAC for Applications grants access)"}.`,
    ...(tenantWide.length
      ? {
          warning: `The Entra consent includes ${tenantWide.join(", ")}: that reaches EVERY mailbox of the tenant, and a management scope does not narrow it (grants add up). To limit the app, remove these permissions in Entra (Enterprise applications → the app → Permissions) and grant them through RBAC for Applications instead.`,
        }
      : {}),
  };
}

async function graphReads(graphUrl: string, token: string, address: string): Promise<true | TMicrosoftFailure> {
  try {
    await graphClient(graphUrl, token)
      .api(`/users/${encodeURIComponent(address)}/mailFolders/inbox`)
      .select("id")
      .get();
    return true;
  } catch (err) {
    return graphFailure(err);
  }
}

async function checkGraphScope(
  ref: TMailboxRef,
  app: { id: string; clientId: string },
  mb: { address: string; tenant: { cloud: "global" | "usgov" | "china" | "sandbox" } },
  outside: string | null,
): Promise<TAppOnlyStepResult> {
  const hosts = hostsFor(mb.tenant.cloud);
  let t;
  try {
    t = await appOnlyToken({ workspaceId: ref.workspaceId, tenantId: ref.tenantId, appRegistrationId: app.id }, hosts.graphResource);
  } catch (err) {
    return tokenFailure(err);
  }
  const own = await graphReads(hosts.graphUrl, t.accessToken, mb.address);
  if (own !== true) {
    const appOnly = { appId: app.clientId, spObjectId: t.spObjectId, roles: t.roles, opensOtherMailbox: false };
    const d = classify(own, { expectedUser: mb.address, mailboxKind: "user", appOnly });
    return { ok: false, at: now(), detail: `The app can't read ${mb.address} over Graph: ${own.message}`, diagnosis: d };
  }
  const tenantWide = t.roles.filter((r) => /^Mail\./.test(r));
  if (!outside)
    return {
      ok: true,
      at: now(),
      detail: `The app reads ${mb.address}.`,
      warning: tenantWide.length
        ? `The Entra consent includes ${tenantWide.join(", ")}: the app can read EVERY mailbox of the tenant. Remove it in Entra and scope the app with RBAC for Applications.`
        : "Not proven scoped: enter a mailbox the app must NOT reach and check again.",
    };
  const other = await graphReads(hosts.graphUrl, t.accessToken, outside);
  if (other === true)
    return {
      ok: false,
      at: now(),
      detail: `The app also reads ${outside}: it isn't limited to its management scope.${
        tenantWide.length
          ? ` Its Entra consent includes ${tenantWide.join(", ")}, which reaches every mailbox; remove it in Entra (Enterprise applications → the app → Permissions).`
          : " Check the role assignments: one without -CustomResourceScope covers the whole organization."
      }`,
    };
  return {
    ok: true,
    at: now(),
    detail: `The app reads ${mb.address} and is refused ${outside} (${classify(other).title}): its scope holds.`,
  };
}

/** Runs one step live, stores its result, and connects the mailbox once every step passes. */
export async function runAppOnlyCheck(
  ref: TMailboxRef,
  step: TAppOnlyStepId,
  opts: { outsideAddress?: string | null; actor: TAuditActor },
): Promise<TAppOnlyChecklist> {
  const { mb, app } = await load(ref);
  if (!stepsOf(app.scopeProfile).includes(step))
    throw badRequest("This step doesn't apply to this mailbox's app.", { step: "Not in this checklist." });
  const outside = opts.outsideAddress !== undefined ? opts.outsideAddress : (mb.appOnlyCheck?.outsideAddress ?? null);
  if (outside && outside.toLowerCase() === mb.address.toLowerCase())
    throw badRequest("Pick a mailbox other than this one.", { outsideAddress: "Must be another mailbox of the tenant." });
  const results: Partial<Record<TAppOnlyStepId, TAppOnlyStepResult>> = {};
  if (step === "consent") results.consent = await checkConsent(ref, app, mb);
  else if (step === "graph_scope") results.graph_scope = await checkGraphScope(ref, app, mb, outside);
  else {
    const test = await testMailboxConnection(ref, { actor: opts.actor });
    const failed = test.steps.find((s) => !s.ok);
    const exo = test.steps.filter((s) => s.protocol !== "graph" && s.step !== "token");
    if (app.scopeProfile === "exchange_app_only") {
      const exoFailed = test.steps.find((s) => !s.ok && s.protocol !== "graph");
      results.exchange = exoFailed
        ? { ok: false, at: now(), detail: exoFailed.detail, diagnosis: exoFailed.diagnosis }
        : {
            ok: exo.length > 0,
            at: now(),
            detail: exo.length
              ? `Exchange let the app into ${mb.address} over ${exo.map((s) => s.protocol.toUpperCase()).join(", ")}.`
              : "No IMAP, POP or SMTP protocol is set on this mailbox.",
          };
    }
    results.connection = failed
      ? { ok: false, at: now(), detail: `${failed.protocol.toUpperCase()}: ${failed.detail}`, diagnosis: failed.diagnosis }
      : { ok: test.ok, at: now(), detail: test.steps.map((s) => `${s.protocol.toUpperCase()} ${s.detail}`).join(" · ") };
  }
  const previous = (mb.appOnlyCheck?.steps as Record<string, TAppOnlyStepResult> | null) ?? {};
  const steps = { ...previous, ...results } as Prisma.InputJsonValue;
  await db().appOnlyCheck.upsert({
    where: { mailboxId: ref.mailboxId },
    create: { workspaceId: ref.workspaceId, tenantId: ref.tenantId, mailboxId: ref.mailboxId, steps, outsideAddress: outside },
    update: { steps, outsideAddress: outside },
  });
  const list = await getAppOnlyChecklist(ref);
  if (list.allOk && mb.state === "pending_consent")
    await db().$transaction((tx) =>
      markConnected(tx, ref, {
        upn: `${app.displayName} (app-only, ${app.clientId})`,
        scopes: list.tokens.flatMap((t) => t.roles),
        now: new Date(),
        actor: opts.actor,
      }),
    );
  return list;
}
