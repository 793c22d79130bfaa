// Interop: Consentry's connection test and sync against a real IMAP server (Dovecot) that checks
// XOAUTH2 tokens by introspection at the sandbox's identity platform: the same client code, a
// different server, so nothing in it leans on the sandbox's own IMAP.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "../env";
import { SEED } from "../../sandbox/directory/seed";
import { TEST_CA_DIR } from "../../testing/start-test-sandbox";
import { mailboxWithSandboxGrant, sandboxForFile } from "../../testing/sandbox-grant";
import { DOVECOT_BIN, startDovecot, type TDovecot } from "../../testing/dovecot";
import { testMailboxConnection } from "../checks/connection-test";
import { syncMailbox } from "./sync-mailbox";

const env = sandboxForFile();
const F = SEED.fabrikam;
let dovecot: TDovecot;

const message = (n: number, to: string) =>
  `From: Customer ${n} <c${n}@example.com>\nTo: ${to}\nSubject: Dovecot ticket ${n}\nMessage-ID: <dovecot-${n}-${Date.now()}@example.com>\nDate: ${new Date().toUTCString()}\n\nBody ${n}\n`;

describe.runIf(!!DOVECOT_BIN)("against Dovecot with XOAUTH2 (token introspection)", { timeout: 60_000 }, () => {
  beforeAll(async () => {
    dovecot = await startDovecot({
      introspectUrl: `${env.sb.urls.identity}/admin/introspect`,
      caFile: path.join(TEST_CA_DIR, "ca.pem"),
      tls: env.sb.ctx.tls,
    });
    // Consentry's Sandbox cloud keeps the sandbox's identity platform, but its IMAP host is Dovecot.
    process.env.SANDBOX_IMAP_HOST = `localhost:${dovecot.port}`;
    resetEnvCache();
  });
  afterAll(async () => {
    await dovecot?.stop();
  });

  it("signs in, syncs what's there, then only what's new", async () => {
    const upn = `bob@${F.domain}`;
    for (const n of [1, 2, 3]) dovecot.deliver(upn, message(n, upn));
    const m = await mailboxWithSandboxGrant(env.sb, upn, { tenant: F, mailbox: { outbound: "none" } });
    const test = await testMailboxConnection(m.ctx);
    expect(
      test.steps.map((s) => `${s.protocol}:${s.ok}`),
      dovecot.log(),
    ).toEqual(["imap:true"]);
    expect(test.steps[0].detail).toContain("INBOX holds 3 messages");
    expect(await syncMailbox(m.ctx)).toEqual({ ok: true, stored: 3, skipped: 0 });
    dovecot.deliver(upn, message(4, upn));
    expect(await syncMailbox(m.ctx)).toEqual({ ok: true, stored: 1, skipped: 0 });
  });

  it("a revoked grant keeps its unexpired access token (as at Microsoft); once that expires, Dovecot refuses it and the forced refresh names the revocation", async () => {
    const upn = `it@${F.domain}`;
    dovecot.deliver(upn, message(9, upn));
    const m = await mailboxWithSandboxGrant(env.sb, upn, { tenant: F, mailbox: { outbound: "none" } });
    expect((await testMailboxConnection(m.ctx)).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 1_100));
    await env.sb.admin("POST", `/admin/users/${upn}/revoke-sessions`);
    // Revocation kills the refresh token only: the cached access token still introspects active.
    expect((await testMailboxConnection(m.ctx)).ok).toBe(true);
    // A day later (sandbox clock) the access token has expired: introspection says inactive.
    await env.sb.admin("POST", "/admin/clock", { advanceDays: 1 });
    try {
      const r = await testMailboxConnection(m.ctx);
      expect(r.ok).toBe(false);
      // Refused: one forced refresh before diagnosing finds the real cause.
      expect(r.steps.map((s) => `${s.protocol}:${s.diagnosis?.code ?? "ok"}`)).toEqual(["imap:refresh_token_revoked"]);
    } finally {
      await env.sb.admin("POST", "/admin/clock", { reset: true });
    }
  });
});
