// Matches a normalized Microsoft failure against the catalog (data only, first match wins), and
// refines the ambiguous IMAP "authenticated but not connected" with directory evidence.
import type { TMicrosoftFailure } from "../microsoft/parse-error";
import { failureFromTokenError } from "../microsoft/parse-error";
import type { TTokenError } from "../microsoft/token-client";
import { CATALOG, catalogEntry, refreshFailureOf, type TCatalogEntry, type TDiagnosisCode, type TMatchRule } from "./catalog";
import { describe } from "./describe";

export type TDirectoryEvidence = {
  expectedUser: string;
  tokenUpn?: string;
  /** A user mailbox's sign-in name (its UPN when that differs from the address). */
  signInName?: string;
  mailboxKind: "user" | "shared";
  delegateUpn?: string;
  hasFullAccess?: boolean;
  isLicensed?: boolean;
  imapEnabled?: boolean;
  /** Shared mailboxes: the signed-in account is the delegate (by object id, or by name when no id is on file). */
  signedInAsDelegate?: boolean;
  /** Shared mailboxes: what Microsoft Graph answered when the delegate's token read the shared
   *  mailbox (only when the grant carries Mail.Read(Write).Shared): the one directory read a
   *  delegate's token is allowed that tells FullAccess, location and IMAP apart. */
  graphRead?: "ok" | "access_denied" | "not_enabled" | "quota";
  /** The grant carries the `.Shared` Graph scopes (a Graph 403 then means the mailbox, not the app). */
  hasSharedScopes?: boolean;
  /** The grant carries the POP scope (a POP refusal then isn't the token's permissions). */
  hasPopScope?: boolean;
  /** Evidence lines Consentry used, shown with the diagnosis. */
  facts?: string[];
  /** An app-only mailbox: no user signed in; the app's token spoke for itself. */
  appOnly?: TAppOnlyEvidence;
};
export type TAppOnlyEvidence = {
  /** The app registration's client id. */
  appId: string;
  /** The token's oid: the enterprise application's object id (null when no token was issued). */
  spObjectId: string | null;
  /** The token's roles. */
  roles: string[];
  /** The app already opens another mailbox of this tenant (so Exchange knows its service principal). */
  opensOtherMailbox: boolean;
};
export type TDiagnosis = {
  code: TDiagnosisCode;
  title: string;
  cause: string;
  fixSteps: string[];
  retryable: boolean;
  transient: boolean;
  action?: TCatalogEntry["action"];
  docsUrl: string;
  evidence: { summary: string; at: string; facts?: string[] };
  aadsts: number[];
};

const TLS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS|SSL/i;

function matches(rule: TMatchRule, f: TMicrosoftFailure): boolean {
  if ("aadsts" in rule) return !!f.aadsts?.some((c) => rule.aadsts.includes(c));
  if ("error" in rule) return !!f.error && rule.error.includes(f.error) && (!rule.source || rule.source.includes(f.source));
  if ("smtp" in rule) {
    if (f.source !== "smtp") return false;
    const s = rule.smtp;
    return (
      (!s.enhanced || f.enhancedCode === s.enhanced) &&
      (!s.code || f.smtpCode === s.code) &&
      (!s.textIncludes || f.message.toLowerCase().includes(s.textIncludes.toLowerCase()))
    );
  }
  // Graph's codes vary in case between services and docs (SyncStateNotFound / syncStateNotFound).
  if ("graphCode" in rule)
    return f.source === "graph" && !!f.graphCode && rule.graphCode.some((c) => c.toLowerCase() === f.graphCode!.toLowerCase());
  if ("graphStatus" in rule) return f.source === "graph" && !!f.status && rule.graphStatus.includes(f.status);
  if ("imap" in rule) return f.source === "imap" && f.imapKind === rule.imap;
  if ("pop" in rule) return f.source === "pop" && f.imapKind === rule.pop;
  if ("network" in rule) return f.source === "network" && (rule.network === "any" || TLS.test(f.networkCode ?? ""));
  if ("status" in rule) return !!f.status && rule.status.includes(f.status);
  return false;
}

function refineNotConnected(e: TDirectoryEvidence): TDiagnosisCode {
  const norm = (s?: string) => (s ?? "").toLowerCase();
  if (e.mailboxKind === "shared") {
    if (e.tokenUpn && norm(e.tokenUpn) === norm(e.expectedUser)) return "shared_address_misused";
    const asDelegate = e.signedInAsDelegate ?? (e.tokenUpn && e.delegateUpn ? norm(e.tokenUpn) === norm(e.delegateUpn) : undefined);
    if (asDelegate === false) return "wrong_user_signed_in";
    // The delegate signed in; Graph's read of the shared mailbox with the same token says which
    // of the remaining causes it is. Without that read, a missing FullAccess is by far the likeliest
    // (a shared mailbox needs no licence up to 50 GB), and the evidence says what wasn't checked.
    if (e.graphRead === "not_enabled") return "shared_mailbox_not_in_exchange_online";
    if (e.graphRead === "ok" || e.imapEnabled === false) return "mailbox_unlicensed_or_imap_disabled";
    if (asDelegate || e.hasFullAccess === false || e.graphRead === "access_denied") return "delegate_lacks_full_access";
    return "imap_not_connected";
  }
  // A user mailbox's own user may sign in by a UPN other than the address (Connect checked it owns the address).
  const ownSigner = !!e.signInName && norm(e.tokenUpn) === norm(e.signInName);
  if (e.tokenUpn && norm(e.tokenUpn) !== norm(e.expectedUser) && !ownSigner) return "wrong_user_signed_in";
  if (e.isLicensed === false || e.imapEnabled === false) return "mailbox_unlicensed_or_imap_disabled";
  // The mailbox's own user signed in: only its licence or its IMAP/POP switch is left.
  if (e.tokenUpn && (norm(e.tokenUpn) === norm(e.expectedUser) || ownSigner)) return "mailbox_unlicensed_or_imap_disabled";
  return "imap_not_connected";
}

// What Exchange answers when it refuses a token on a mailbox, per protocol.
const REFUSALS = new Set<string>(["imap_not_connected", "imap_auth_failed", "pop_auth_failed", "smtp_auth_failed", "graph_access_denied"]);
const ROLE_OF: Partial<Record<TMicrosoftFailure["source"], string>> = {
  imap: "IMAP.AccessAsApp",
  pop: "POP.AccessAsApp",
  smtp: "SMTP.SendAsApp",
};

/** An app token refused on a mailbox: a missing role, Graph's scope, or Exchange's registration /
 *  mailbox permission (told apart by whether the app opens any other mailbox of the tenant). */
function refineAppOnly(f: TMicrosoftFailure, a: TAppOnlyEvidence): TDiagnosisCode {
  const role = ROLE_OF[f.source];
  if (role && !a.roles.includes(role)) return "app_only_missing_role";
  if (f.source === "graph") return "app_only_outside_scope";
  return a.opensOtherMailbox ? "app_only_no_mailbox_access" : "app_only_sp_not_registered";
}

/** Shared mailboxes: the generic answers of each protocol, told apart with what Consentry knows
 *  (who signed in, the grant's scopes, Graph's read of the shared mailbox). */
function refineShared(code: TDiagnosisCode, e: TDirectoryEvidence): TDiagnosisCode {
  if (e.mailboxKind !== "shared") return code;
  switch (code) {
    case "pop_auth_failed":
      // POP refuses every missing right at AUTH; with the POP scope on the delegate's own grant,
      // the token is fine and the mailbox is what's missing.
      if (e.signedInAsDelegate && e.hasPopScope) return refineNotConnected(e);
      return code;
    case "graph_access_denied":
      if (e.signedInAsDelegate === false) return "wrong_user_signed_in";
      return e.hasSharedScopes ? "delegate_lacks_full_access" : code;
    case "graph_mailbox_not_enabled":
      return "shared_mailbox_not_in_exchange_online";
    case "mailbox_full":
      return "shared_mailbox_over_size_limit";
    default:
      return code;
  }
}

export function classify(f: TMicrosoftFailure, evidence?: TDirectoryEvidence, at = new Date()): TDiagnosis {
  // An AADSTS code is the most specific evidence there is, so code rules win over the
  // generic error/status rules of earlier entries.
  const byCode = CATALOG.find((e) => e.match.some((r) => "aadsts" in r && matches(r, f)));
  let entry = byCode ?? CATALOG.find((e) => e.match.some((r) => matches(r, f))) ?? catalogEntry("unknown");
  if (evidence?.appOnly) {
    if (REFUSALS.has(entry.code)) entry = catalogEntry(refineAppOnly(f, evidence.appOnly));
    const d = withEvidence(entry.code, f.message, at, f.aadsts ?? []);
    const values = { appId: evidence.appOnly.appId, spObjectId: evidence.appOnly.spObjectId, mailbox: evidence.expectedUser };
    return { ...d, fixSteps: d.fixSteps.map((s) => fillAppOnlyFix(s, values)) };
  }
  if (entry.code === "imap_not_connected" && evidence) entry = catalogEntry(refineNotConnected(evidence));
  if (evidence) entry = catalogEntry(refineShared(entry.code, evidence));
  const d = withEvidence(entry.code, f.message, at, f.aadsts ?? []);
  if (evidence?.facts?.length) d.evidence.facts = [...evidence.facts];
  return d;
}

/** Fills a fix step's `<appId>`, `<spObjectId>` and `<mailbox>` with the tenant's own values. */
export function fillAppOnlyFix(text: string, v: { appId?: string | null; spObjectId?: string | null; mailbox?: string | null }): string {
  return text
    .replaceAll("<appId>", v.appId ?? "<appId>")
    .replaceAll("<spObjectId>", v.spObjectId ?? "<spObjectId>")
    .replaceAll("<mailbox>", v.mailbox ?? "<mailbox>");
}

/** The diagnosis view (describe.ts) plus what was seen and when. */
function withEvidence(code: TDiagnosisCode, summary: string, at: Date, aadsts: number[]): TDiagnosis {
  const d = describe(code);
  return {
    code: d.code,
    title: d.title,
    cause: d.cause,
    fixSteps: d.fixSteps,
    retryable: d.retryable,
    transient: d.transient,
    action: d.action ?? undefined,
    docsUrl: d.docsUrl,
    evidence: { summary, at: at.toISOString() },
    aadsts,
  };
}

// Which AADSTS codes mean a dead grant or a broken app is the catalog's `onRefresh` column.

export function classifyTokenFailure(e: TTokenError): {
  kind: "transient" | "permanent_grant" | "permanent_client" | "unknown";
  diagnosis: TDiagnosis;
} {
  const diagnosis = classify(failureFromTokenError(e));
  if (
    e.kind !== "http" ||
    (e.status ?? 0) >= 500 ||
    e.status === 429 ||
    e.error === "temporarily_unavailable" ||
    e.error === "server_error"
  )
    return { kind: "transient", diagnosis };
  if (e.aadsts.some((c) => refreshFailureOf(c) === "permanent_client") || e.error === "invalid_client" || e.error === "unauthorized_client")
    return { kind: "permanent_client", diagnosis };
  if (
    e.aadsts.some((c) => refreshFailureOf(c) === "permanent_grant") ||
    e.error === "invalid_grant" ||
    e.error === "interaction_required" ||
    e.error === "consent_required"
  )
    return { kind: "permanent_grant", diagnosis };
  return { kind: "unknown", diagnosis };
}

/** A catalogued diagnosis for a failure Consentry recognised itself (no Microsoft reply to match). */
export function diagnosisFromCatalog(code: TDiagnosisCode, summary: string, at = new Date()): TDiagnosis {
  return withEvidence(code, summary, at, []);
}
