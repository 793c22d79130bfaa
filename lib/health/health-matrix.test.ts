// The health matrix: each check's cell agrees with the mailbox's state, its last test, its grant
// and its app's secret; failing cells carry the code of the diagnosis that explains them.
import { describe, expect, it } from "vitest";
import { checkOfCode, healthMatrix, matrixRow, MATRIX_CHECKS, type TMatrixInput } from "./health-matrix";

const now = Date.parse("2026-11-30T12:00:00Z");
const daysAgo = (d: number) => new Date(now - d * 86_400_000).toISOString();
const base: TMatrixInput = {
  id: "m1",
  tenantId: "t1",
  tenantName: "Contoso",
  address: "a@contoso.com",
  inbound: "imap",
  outbound: "smtp",
  state: "connected",
  stateCode: null,
  lastSyncAt: daysAgo(0),
  grant: { lastRefreshAt: daysAgo(1), refreshFailures: 0, lastErrorCode: null },
  checks: {
    at: daysAgo(1),
    steps: [
      { step: "token", protocol: "imap", ok: true, code: null },
      { step: "inbound", protocol: "imap", ok: true, code: null },
      { step: "outbound", protocol: "smtp", ok: true, code: null },
    ],
  },
  app: { lastVerifyCode: "ok", activeSecret: { last4: "abcd", expiresAt: daysAgo(-180) } },
};
const cell = (m: TMatrixInput, check: string) => matrixRow(m, now).cells.find((c) => c.check === check)!;

describe("health matrix", () => {
  it("has one cell per check, in order, and a healthy mailbox is all ok or not used", () => {
    const r = matrixRow(base, now);
    expect(r.cells.map((c) => c.check)).toEqual([...MATRIX_CHECKS]);
    expect(r.cells.map((c) => c.status)).toEqual(["ok", "ok", "ok", "na", "ok", "ok"]);
    expect(r.failing).toBe(false);
  });

  it("puts the mailbox's diagnosis in its check's cell, over an older passing test", () => {
    const m = { ...base, state: "failing", stateCode: "smtp_auth_disabled" };
    expect(cell(m, "smtp")).toMatchObject({ status: "fail", code: "smtp_auth_disabled" });
    expect(cell(m, "smtp").text).not.toContain("smtp_auth_disabled");
    expect(cell(m, "inbound").status).toBe("ok");
    const unlicensed = { ...base, state: "degraded", stateCode: "mailbox_unlicensed_or_imap_disabled" };
    expect(cell(unlicensed, "inbound")).toMatchObject({ status: "fail", code: "mailbox_unlicensed_or_imap_disabled" });
    expect(matrixRow(unlicensed, now).failing).toBe(true);
  });

  it("shows a revoked grant as a failing sign-in and a passing-cause refresh failure as a warning", () => {
    const revoked = {
      ...base,
      state: "needs_reconsent",
      stateCode: "refresh_token_revoked",
      grant: { ...base.grant!, refreshFailures: 1, lastErrorCode: "refresh_token_revoked" },
    };
    expect(cell(revoked, "signin")).toMatchObject({ status: "fail", code: "refresh_token_revoked" });
    const flaky = { ...base, grant: { ...base.grant!, refreshFailures: 2, lastErrorCode: "microsoft_unavailable" } };
    expect(cell(flaky, "signin")).toMatchObject({ status: "warn", code: "microsoft_unavailable" });
  });

  it("takes failing test steps, token age and the app's secret into account", () => {
    const failedTest = {
      ...base,
      checks: { at: daysAgo(0), steps: [{ step: "outbound", protocol: "smtp", ok: false, code: "delegate_lacks_send_as" }] },
    };
    expect(cell(failedTest, "smtp")).toMatchObject({ status: "fail", code: "delegate_lacks_send_as" });
    expect(cell({ ...base, grant: { ...base.grant!, lastRefreshAt: daysAgo(10) } }, "token_age").status).toBe("warn");
    expect(cell({ ...base, grant: { ...base.grant!, lastRefreshAt: daysAgo(85) } }, "token_age")).toMatchObject({
      status: "fail",
      code: "refresh_token_inactive",
    });
    // A secret Microsoft rejected fails its cell even with 180 days left on paper.
    expect(cell({ ...base, app: { ...base.app!, lastVerifyCode: "secret_expired" } }, "secret")).toMatchObject({
      status: "fail",
      code: "secret_expired",
    });
    expect(cell({ ...base, app: { ...base.app!, activeSecret: { last4: "abcd", expiresAt: daysAgo(-10) } } }, "secret").status).toBe(
      "warn",
    );
  });

  it("marks unused protocols and untested ones apart", () => {
    const graph = { ...base, inbound: "graph", outbound: "graph", checks: null, lastSyncAt: null };
    expect(cell(graph, "inbound").status).toBe("na");
    expect(cell(graph, "smtp").status).toBe("na");
    expect(cell(graph, "graph").status).toBe("unknown");
    expect(checkOfCode("graph_mailbox_not_enabled", graph)).toBe("graph");
    expect(checkOfCode("network_error", graph)).toBe("graph");
    expect(checkOfCode("network_error", base)).toBe("inbound");
    expect(checkOfCode("conditional_access_blocked", base)).toBe("signin");
  });

  it("filters by tenant and to failing rows", () => {
    const rows = [base, { ...base, id: "m2", tenantId: "t2", tenantName: "Fabrikam", state: "failing", stateCode: "smtp_auth_disabled" }];
    expect(healthMatrix(rows, { now }).map((r) => r.id)).toEqual(["m1", "m2"]);
    expect(healthMatrix(rows, { tenantId: "t2", now }).map((r) => r.id)).toEqual(["m2"]);
    expect(healthMatrix(rows, { failingOnly: true, now }).map((r) => r.id)).toEqual(["m2"]);
    expect(healthMatrix([], { now })).toEqual([]);
  });
});
