// The mailbox page's statements agree with each other and with the mailbox's state.
import { describe, expect, it } from "vitest";
import { describe as describe_ } from "@/lib/diagnostics/describe";
import { firstSyncText, connectedBanner, testFreshness, tokenStatus } from "./mailbox-status";

const now = Date.parse("2026-11-30T12:00:00Z");
const inAnHour = new Date(now + 3_600_000).toISOString();
const grant = {
  accessTokenExpiresAt: inAnHour,
  lastRefreshAt: new Date(now - 60_000).toISOString(),
  refreshFailures: 0,
  lastErrorCode: null,
};
const ok = { state: "connected", stateCode: null, grant, lastSyncAt: null };

describe("mailbox status", () => {
  it("never shows the green 'first sync starts now' banner above a diagnosis", () => {
    const g = { ...grant, upn: "a@contoso.com" };
    const m = { ...ok, grant: g };
    expect(connectedBanner(m, true)).toEqual({ tone: "green", text: "Connected as a@contoso.com. The first sync starts now." });
    expect(connectedBanner(m, false)).toBeNull();
    const smtp = connectedBanner({ ...m, state: "degraded", stateCode: "smtp_auth_disabled" }, true)!;
    expect(smtp.tone).toBe("amber");
    expect(smtp.text).toContain(describe_("smtp_auth_disabled").title);
    expect(smtp.text).not.toContain("first sync starts now");
    expect(connectedBanner({ ...m, state: "failing", stateCode: "mailbox_unlicensed_or_imap_disabled" }, true)!.text).not.toContain(
      "syncs",
    );
    expect(connectedBanner({ ...m, state: "needs_reconsent", stateCode: "refresh_token_revoked" }, true)).toBeNull();
    expect(connectedBanner({ ...m, grant: null }, true)).toBeNull();
  });

  it("says the token is valid only when nothing Consentry knows says otherwise", () => {
    expect(tokenStatus(ok, now)).toEqual({ tone: "green", text: "valid for 1 h" });
    // Revoked: the refresh was refused and the mailbox needs re-consent. The old expiry is no promise.
    const revoked = tokenStatus(
      {
        ...ok,
        state: "needs_reconsent",
        stateCode: "refresh_token_revoked",
        grant: { ...grant, refreshFailures: 1, lastErrorCode: "refresh_token_revoked" },
      },
      now,
    );
    expect(revoked.tone).toBe("red");
    expect(revoked.text).toContain(describe_("refresh_token_revoked").title);
    expect(revoked.text).not.toContain("valid for");
    // A refresh failing for a passing cause: said, in plain words, not as a code.
    const failing = tokenStatus({ ...ok, grant: { ...grant, refreshFailures: 2, lastErrorCode: "microsoft_unavailable" } }, now);
    expect(failing.tone).toBe("amber");
    expect(failing.text).toMatch(/^The last refresh failed \(/);
    expect(failing.text).not.toContain("microsoft_unavailable");
    // A protocol refused the token it holds.
    const refused = tokenStatus({ ...ok, state: "degraded", stateCode: "imap_auth_failed" }, now);
    expect(refused.tone).toBe("red");
    expect(refused.text).toMatch(/^Refused at its last use/);
    expect(tokenStatus({ ...ok, grant: { ...grant, accessTokenExpiresAt: new Date(now - 1).toISOString() } }, now).text).toBe(
      "expired (refreshed on next use)",
    );
  });

  it("marks a connection test as history when the mailbox went bad after it ran", () => {
    const passed = { ok: true, at: new Date(now - 3_600_000).toISOString() };
    expect(testFreshness(ok, passed, null)).toEqual({ stale: false, note: null });
    const failing = { ...ok, state: "failing", stateCode: "smtp_auth_disabled" };
    const since = new Date(now - 60_000).toISOString();
    const f = testFreshness(failing, passed, since);
    expect(f.stale).toBe(true);
    expect(f.note).toContain("2026-11-30 11:00 UTC, before the mailbox started failing (2026-11-30 11:59 UTC)");
    // A failing test run after the mailbox went bad is the current picture.
    expect(testFreshness(failing, { ok: false, at: new Date(now).toISOString() }, since).stale).toBe(false);
    // A passing test after the state change, while the mailbox still fails: it doesn't explain the failure.
    expect(testFreshness(failing, { ok: true, at: new Date(now).toISOString() }, since).stale).toBe(true);
    expect(testFreshness(failing, null, since).stale).toBe(false);
    // The failing test that set the state (recorded just before it) is the current picture.
    const setIt = {
      ok: false,
      at: new Date(now - 120_000).toISOString(),
      steps: [{ ok: false, diagnosis: { code: "smtp_auth_disabled" } }],
    };
    expect(testFreshness(failing, setIt, since).stale).toBe(false);
  });

  it("says whether a worker will run the first sync", () => {
    expect(firstSyncText(ok, 1, "INBOX")).toContain("a worker is running");
    expect(firstSyncText(ok, 1, "INBOX")).not.toContain("Is a worker running?");
    expect(firstSyncText(ok, 0, "INBOX")).toContain("no worker is running");
    // Degraded (say, sending is off): receiving still syncs, so the worker line stays.
    expect(firstSyncText({ ...ok, state: "degraded", stateCode: "smtp_auth_disabled" }, 1, "INBOX")).toContain("a worker is running");
    expect(firstSyncText({ ...ok, state: "failing", stateCode: "mailbox_unlicensed_or_imap_disabled" }, 1, "INBOX")).toContain(
      describe_("mailbox_unlicensed_or_imap_disabled").title,
    );
  });
});
