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
  evidence: { summary: string; at: string };
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
  // A user mailbox's own user may sign in by a UPN other than the address (Connect checked it owns the address).
  const ownSigner = e.mailboxKind === "user" && !!e.signInName && norm(e.tokenUpn) === norm(e.signInName);
  const expectedSigner = e.mailboxKind === "shared" ? norm(e.delegateUpn) : ownSigner ? norm(e.tokenUpn) : norm(e.expectedUser);
  if (e.tokenUpn && expectedSigner && norm(e.tokenUpn) === norm(e.expectedUser) && e.mailboxKind === "shared")
    return "shared_address_misused";
  if (e.tokenUpn && expectedSigner && norm(e.tokenUpn) !== expectedSigner) return "wrong_user_signed_in";
  if (e.mailboxKind === "shared" && e.hasFullAccess === false) return "delegate_lacks_full_access";
  if (e.isLicensed === false || e.imapEnabled === false) return "mailbox_unlicensed_or_imap_disabled";
  // The mailbox's own user signed in: only its licence or its IMAP/POP switch is left.
  if (e.mailboxKind === "user" && e.tokenUpn && (norm(e.tokenUpn) === norm(e.expectedUser) || ownSigner))
    return "mailbox_unlicensed_or_imap_disabled";
  return "imap_not_connected";
}

export function classify(f: TMicrosoftFailure, evidence?: TDirectoryEvidence, at = new Date()): TDiagnosis {
  // An AADSTS code is the most specific evidence there is, so code rules win over the
  // generic error/status rules of earlier entries.
  const byCode = CATALOG.find((e) => e.match.some((r) => "aadsts" in r && matches(r, f)));
  let entry = byCode ?? CATALOG.find((e) => e.match.some((r) => matches(r, f))) ?? catalogEntry("unknown");
  if (entry.code === "imap_not_connected" && evidence) entry = catalogEntry(refineNotConnected(evidence));
  return withEvidence(entry.code, f.message, at, f.aadsts ?? []);
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
