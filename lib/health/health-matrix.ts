// The Health page's tenant × mailbox × check matrix: for each mailbox, one cell per check
// (sign-in, IMAP/POP, SMTP, Graph, token age, secret), each ok / failing / warning / not used /
// not known yet, a failing cell carrying the diagnosis code that explains it. Built from what the
// mailbox list already holds (state and its code, the grant's refresh record, the last connection
// test, the app's secret), so the matrix never disagrees with the mailbox page. Pure.
import { describe } from "../diagnostics/describe";
import { secretHealth } from "../apps/secret-health";

export const MATRIX_CHECKS = ["signin", "inbound", "smtp", "graph", "token_age", "secret"] as const;
export type TMatrixCheck = (typeof MATRIX_CHECKS)[number];
export const MATRIX_CHECK_LABELS: Record<TMatrixCheck, string> = {
  signin: "Sign-in",
  inbound: "IMAP/POP",
  smtp: "SMTP",
  graph: "Graph",
  token_age: "Token age",
  secret: "Secret",
};

export type TCellStatus = "ok" | "fail" | "warn" | "na" | "unknown";
export type TMatrixCell = { check: TMatrixCheck; status: TCellStatus; text: string; code: string | null };

export type TMatrixInput = {
  id: string;
  tenantId: string;
  tenantName: string;
  address: string;
  inbound: string;
  outbound: string;
  state: string;
  stateCode: string | null;
  lastSyncAt: string | Date | null;
  grant: { lastRefreshAt: string | Date | null; refreshFailures?: number; lastErrorCode?: string | null } | null;
  checks: { at: string; steps: { step: string; protocol: string; ok: boolean; code: string | null }[] } | null;
  app: { lastVerifyCode: string | null; activeSecret: { last4: string; expiresAt: string | Date } | null } | null;
};

export type TMatrixRow = { id: string; tenantId: string; tenantName: string; address: string; cells: TMatrixCell[]; failing: boolean };

const BAD = ["degraded", "failing", "needs_reconsent"];
const INBOUND_CODES =
  /^(imap_|pop_|message_)|^(mailbox_unlicensed_or_imap_disabled|wrong_user_signed_in|delegate_lacks_full_access|shared_address_misused)$/;
const SMTP_CODES = /^smtp_|^delegate_lacks_send_as$/;
const TRANSPORT_CODES = /^(tls_error|network_error|microsoft_unavailable|unknown|legacy_endpoint)$/;
const DAY = 86_400_000;

/** The column a diagnosis code belongs to, for a mailbox with these protocols. */
export function checkOfCode(code: string, m: { inbound: string; outbound: string }): TMatrixCheck {
  if (code.startsWith("secret_")) return "secret";
  if (code.startsWith("graph_")) return "graph";
  if (SMTP_CODES.test(code)) return "smtp";
  if (INBOUND_CODES.test(code)) return "inbound";
  if (TRANSPORT_CODES.test(code))
    return m.inbound === "graph" ? "graph" : m.inbound === "none" ? (m.outbound === "graph" ? "graph" : "smtp") : "inbound";
  return "signin";
}

const title = (code: string) => describe(code).title;

export function matrixRow(m: TMatrixInput, now = Date.now()): TMatrixRow {
  const current = m.stateCode && BAD.includes(m.state) ? { code: m.stateCode, check: checkOfCode(m.stateCode, m) } : null;
  const steps = m.checks?.steps ?? [];
  const stepFor = (pred: (s: { step: string; protocol: string }) => boolean) => steps.find(pred);
  const fromState = (check: TMatrixCheck): TMatrixCell | null =>
    current && current.check === check ? { check, status: "fail", text: title(current.code), code: current.code } : null;
  const fromStep = (check: TMatrixCheck, s: { ok: boolean; code: string | null } | undefined, okText: string): TMatrixCell | null => {
    if (!s) return null;
    // A passing step older than the mailbox's failure would contradict it: the state's cell wins (above).
    return s.ok
      ? { check, status: "ok", text: okText, code: null }
      : { check, status: "fail", text: s.code ? title(s.code) : "failed", code: s.code };
  };
  const cells: TMatrixCell[] = [];

  // Sign-in: the grant's refresh record, then the last test's token step.
  const g = m.grant;
  if (!g) cells.push({ check: "signin", status: m.state === "pending_consent" ? "unknown" : "na", text: "not connected", code: null });
  else if (m.state === "needs_reconsent" || (g.refreshFailures ?? 0) > 0) {
    const code = g.lastErrorCode ?? m.stateCode;
    cells.push({
      check: "signin",
      status: m.state === "needs_reconsent" ? "fail" : "warn",
      text: code ? title(code) : "refresh failing",
      code,
    });
  } else
    cells.push(
      fromState("signin") ??
        fromStep(
          "signin",
          stepFor((s) => s.step === "token"),
          "ok",
        ) ?? { check: "signin", status: "ok", text: "ok", code: null },
    );

  // IMAP/POP, SMTP, Graph: only where the mailbox uses them.
  const uses = {
    inbound: m.inbound === "imap" || m.inbound === "pop",
    smtp: m.outbound === "smtp",
    graph: m.inbound === "graph" || m.outbound === "graph",
  };
  const synced = !!m.lastSyncAt;
  for (const check of ["inbound", "smtp", "graph"] as const) {
    if (!uses[check]) {
      cells.push({ check, status: "na", text: "not used", code: null });
      continue;
    }
    const step =
      check === "inbound"
        ? stepFor((s) => s.step === "inbound" && (s.protocol === "imap" || s.protocol === "pop"))
        : check === "smtp"
          ? stepFor((s) => s.step === "outbound" && s.protocol === "smtp")
          : stepFor((s) => s.step !== "token" && s.protocol === "graph");
    const cell = fromState(check) ??
      fromStep(check, step, "ok") ??
      (check !== "smtp" && synced && !BAD.includes(m.state) ? { check, status: "ok" as const, text: "syncing", code: null } : null) ?? {
        check,
        status: "unknown" as const,
        text: "not tested",
        code: null,
      };
    cells.push(cell);
  }

  // Token age: Consentry refreshes every grant at least every 6 days; Microsoft drops one unused for 90.
  if (!g) cells.push({ check: "token_age", status: "na", text: "—", code: null });
  else {
    const last = g.lastRefreshAt ? new Date(g.lastRefreshAt).getTime() : null;
    const days = last === null ? null : Math.floor((now - last) / DAY);
    cells.push(
      days === null
        ? { check: "token_age", status: "unknown", text: "never refreshed", code: null }
        : days >= 80
          ? { check: "token_age", status: "fail", text: `${days} d since refresh`, code: "refresh_token_inactive" }
          : days > 7
            ? { check: "token_age", status: "warn", text: `${days} d since refresh`, code: null }
            : { check: "token_age", status: "ok", text: days === 0 ? "today" : `${days} d`, code: null },
    );
  }

  // Secret: Microsoft's last verdict first, then the date.
  if (!m.app) cells.push({ check: "secret", status: "na", text: "no app", code: null });
  else {
    const h = secretHealth(m.app, new Date(now));
    const code =
      h.level === "rejected"
        ? m.app.lastVerifyCode
        : h.level === "expired"
          ? "secret_expired"
          : h.level === "none"
            ? "secret_missing"
            : null;
    cells.push(
      fromState("secret") ??
        (h.level === "ok"
          ? { check: "secret", status: "ok", text: h.label, code: null }
          : h.level === "notice" || h.level === "warning" || h.level === "critical"
            ? { check: "secret", status: "warn", text: h.label, code: "secret_expiring" }
            : { check: "secret", status: "fail", text: h.reason ?? h.label, code }),
    );
  }
  return {
    id: m.id,
    tenantId: m.tenantId,
    tenantName: m.tenantName,
    address: m.address,
    cells,
    failing: cells.some((c) => c.status === "fail"),
  };
}

export function healthMatrix(
  rows: TMatrixInput[],
  opts: { tenantId?: string | null; failingOnly?: boolean; now?: number } = {},
): TMatrixRow[] {
  return rows
    .filter((r) => !opts.tenantId || r.tenantId === opts.tenantId)
    .map((r) => matrixRow(r, opts.now))
    .filter((r) => !opts.failingOnly || r.failing)
    .sort((a, b) => a.tenantName.localeCompare(b.tenantName) || a.address.localeCompare(b.address));
}
