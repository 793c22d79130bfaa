// Integration: with a mailbox's trace switch on, a real connection test against the sandbox
// (IMAP, SMTP, POP3, Graph and the token endpoint, over real sockets) leaves a transcript of the
// conversation in PostgreSQL, and no sandbox-issued token, refresh token, client secret or
// XOAUTH2 payload is anywhere in it. Off (or expired), nothing is recorded.
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED } from "../../sandbox/directory/seed";
import { mailboxWithSandboxGrant, IMAP_SCOPE, OUTLOOK, sandboxForFile } from "../../testing/sandbox-grant";
import { testMailboxConnection } from "../checks/connection-test";
import { syncMailbox } from "../sync/sync-mailbox";
import { refreshMailboxToken } from "../checks/refresh-token";
import { microsoftRefresher } from "../grants/microsoft-refresher";
import type { TRefresher } from "../grants/get-access-token";
import { buildXOAuth2 } from "../microsoft/xoauth2";
import { buildSupportBundle, ZBundleQuery } from "../support/support-bundle";
import { mailboxTraces, pruneTraces, setMailboxTrace, TRACE_RETENTION_DAYS } from "./mailbox-trace";

const env = sandboxForFile();
const actor = (workspaceId: string) => ({ workspaceId, email: "tech@msp.test" });

/** The production refresher, keeping every token the sandbox issues through it. */
function capturingRefresher(issued: string[]): TRefresher {
  return Object.assign(
    async (input: Parameters<TRefresher>[0], prepared?: unknown) => {
      const r = await microsoftRefresher(input, prepared);
      if (r.ok) issued.push(r.accessToken, ...(r.refreshToken ? [r.refreshToken] : []));
      return r;
    },
    { prepare: microsoftRefresher.prepare },
  );
}

/** Every form a credential could take in a transcript: as is, URL-encoded, and as an XOAUTH2 payload. */
const forms = (values: string[], users: string[]) =>
  values.flatMap((v) => [v, encodeURIComponent(v), v.slice(0, 40), ...users.map((u) => buildXOAuth2(u, v))]);

describe("mailbox trace against the sandbox", { timeout: 90_000 }, () => {
  it("records a connection test's IMAP, SMTP and token-endpoint conversation, with every token, secret and payload removed", async () => {
    const C = SEED.contoso; // SMTP AUTH is off for the tenant: a failing step's reply is in the transcript too
    const address = `helpdesk@${C.domain}`;
    const m = await mailboxWithSandboxGrant(env.sb, address, { scopes: [IMAP_SCOPE, `${OUTLOOK}/SMTP.Send`] });
    const on = await setMailboxTrace(m.ctx, true, actor(m.ctx.workspaceId));
    expect(new Date(on.until!).getTime() - Date.now()).toBeGreaterThan(59 * 60_000);
    const issued = [...m.issued];
    const r = await testMailboxConnection(m.ctx, { refresher: capturingRefresher(issued) });
    expect(r.steps.map((s) => `${s.protocol}:${s.ok ? "ok" : s.diagnosis?.code}`)).toEqual(["imap:ok", "smtp:smtp_auth_disabled"]);
    expect(issued.length).toBeGreaterThanOrEqual(4); // the minted pair, then the refreshed access token and rotated refresh token

    const { until, traces } = await mailboxTraces(m.ctx);
    expect(until).toBe(on.until);
    expect(traces).toHaveLength(1);
    expect(traces[0]).toMatchObject({ kind: "test", truncated: false });
    const text = traces[0].lines.map((l) => `${l.p} ${l.d} ${l.s}`).join("\n");
    // The conversation is there: the refresh, the IMAP sign-in and folder status, SMTP's refusal.
    expect(text).toContain("token > POST https://localhost");
    expect(text).toMatch(/grant_type=refresh_token/);
    expect(text).toMatch(/token < HTTP 200/);
    expect(text).toMatch(/"access_token":"\[redacted\]"/);
    expect(text).toMatch(/imap > \S+ AUTHENTICATE XOAUTH2 \[redacted\]|imap > \S+ AUTHENTICATE XOAUTH2 "\(\* value hidden \*\)"/);
    expect(text).toMatch(/imap < \S+ OK AUTHENTICATE completed/);
    expect(text).toMatch(/imap > \S+ STATUS INBOX/);
    expect(text).toMatch(/smtp > EHLO/);
    expect(text).toMatch(/smtp > AUTH XOAUTH2 \[redacted\]/);
    expect(text).toContain("5.7.139");
    // …and nothing that lets anyone in.
    const stored = JSON.stringify(await db().mailboxTrace.findMany({ where: { mailboxId: m.ctx.mailboxId } }));
    for (const v of forms([...issued, C.secret], [address])) expect(stored).not.toContain(v);
    expect(stored).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    // The mailbox's support bundle carries the transcript, and still nothing that lets anyone in.
    const bundle = await buildSupportBundle(m.scope, ZBundleQuery.parse({ mailboxId: m.ctx.mailboxId }));
    const inBundle = JSON.parse(bundle).tenants[0].mailboxes[0].trace;
    expect(inBundle.traces[0].lines.length).toBe(traces[0].lines.length);
    expect(bundle).toContain("5.7.139");
    for (const v of forms([...issued, C.secret], [address])) expect(bundle).not.toContain(v);
    expect(bundle).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    // The switch is on the audit trail.
    expect(await db().auditEntry.count({ where: { targetId: m.ctx.mailboxId, action: "mailbox.trace_on" } })).toBe(1);
  });

  it("records POP3 and Graph the same way", async () => {
    const F = SEED.fabrikam;
    const address = `helpdesk@${F.domain}`;
    const m = await mailboxWithSandboxGrant(env.sb, address, {
      tenant: F,
      scopes: [`${OUTLOOK}/POP.AccessAsUser.All`, "https://graph.microsoft.com/Mail.ReadWrite", "https://graph.microsoft.com/Mail.Send"],
      mailbox: { inbound: "pop", outbound: "graph" },
    });
    await setMailboxTrace(m.ctx, true, actor(m.ctx.workspaceId));
    const issued = [...m.issued];
    const r = await testMailboxConnection(m.ctx, { refresher: capturingRefresher(issued) });
    expect(r.ok).toBe(true);
    const [t] = (await mailboxTraces(m.ctx)).traces;
    const text = t.lines.map((l) => `${l.p} ${l.d} ${l.s}`).join("\n");
    expect(text).toMatch(/pop > AUTH XOAUTH2\n/);
    expect(text).toMatch(/pop > \[XOAUTH2 payload\]/);
    expect(text).toMatch(/pop < \+OK/);
    expect(text).toMatch(/pop > STAT/);
    expect(text).toMatch(/graph > GET https:\/\/localhost:\d+\/v1\.0\/users\/.+\/mailFolders\/sentitems/);
    expect(text).toMatch(/graph < HTTP 200/);
    expect(text).not.toMatch(/authorization/i);
    const stored = JSON.stringify(await db().mailboxTrace.findMany({ where: { mailboxId: m.ctx.mailboxId } }));
    for (const v of forms([...issued, F.secret], [address])) expect(stored).not.toContain(v);
    expect(stored).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });

  it("records a worker sync's IMAP conversation without the mail: FETCH lines keep only the literal's size", async () => {
    const F = SEED.fabrikam;
    const address = `bob@${F.domain}`;
    const m = await mailboxWithSandboxGrant(env.sb, address, { tenant: F });
    expect((await syncMailbox(m.ctx)).ok).toBe(true); // the backlog, untraced
    const marker = `trace-body-${Date.now()}-do-not-record`;
    await env.sb.admin("POST", `/admin/mail/mailboxes/${address}/messages`, {
      raw: `From: Customer <customer@example.com>\r\nTo: ${address}\r\nSubject: Traced ticket\r\nMessage-ID: <traced-${Date.now()}@example.com>\r\nDate: ${new Date().toUTCString()}\r\n\r\n${marker}\r\n`,
    });
    await setMailboxTrace(m.ctx, true, actor(m.ctx.workspaceId));
    const issued = [...m.issued];
    expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true, stored: 1 });
    const [t] = (await mailboxTraces(m.ctx)).traces;
    expect(t.kind).toBe("sync");
    const text = t.lines.map((l) => `${l.p} ${l.d} ${l.s}`).join("\n");
    expect(text).toMatch(/imap > \S+ (UID )?FETCH/);
    expect(text).toMatch(/B literal \*\)/);
    const stored = JSON.stringify(await db().mailboxTrace.findMany({ where: { mailboxId: m.ctx.mailboxId } }));
    expect(stored).not.toContain(marker); // the body
    for (const v of forms([...issued, F.secret], [address])) expect(stored).not.toContain(v);
  });

  it('"Refresh token now" records the token-endpoint call alone, without the tokens', async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `it@${SEED.contoso.domain}`, { mailbox: { outbound: "none" } });
    await setMailboxTrace(m.ctx, true, actor(m.ctx.workspaceId));
    expect(await refreshMailboxToken(m.ctx, actor(m.ctx.workspaceId))).toMatchObject({ ok: true });
    const [t] = (await mailboxTraces(m.ctx)).traces;
    expect(t.kind).toBe("refresh");
    expect(t.lines.map((l) => l.p)).toEqual(["note", "token", "token", "token", "token", "note"]);
    const stored = JSON.stringify(t);
    for (const v of forms([...m.issued, SEED.contoso.secret], [])) expect(stored).not.toContain(v);
    expect(stored).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });

  it("records nothing while the switch is off or after it expired, and retention prunes old transcripts", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `it@${SEED.contoso.domain}`, { mailbox: { outbound: "none" } });
    await testMailboxConnection(m.ctx);
    expect((await mailboxTraces(m.ctx)).traces).toHaveLength(0);
    await db().mailbox.update({ where: { id: m.ctx.mailboxId }, data: { traceUntil: new Date(Date.now() - 1000) } });
    await testMailboxConnection(m.ctx);
    expect(await mailboxTraces(m.ctx)).toEqual({ until: null, traces: [] });

    await setMailboxTrace(m.ctx, true, actor(m.ctx.workspaceId));
    await testMailboxConnection(m.ctx);
    expect((await mailboxTraces(m.ctx)).traces).toHaveLength(1);
    expect(await setMailboxTrace(m.ctx, false, actor(m.ctx.workspaceId))).toEqual({ until: null });
    await testMailboxConnection(m.ctx);
    expect((await mailboxTraces(m.ctx)).traces).toHaveLength(1);
    expect(await db().auditEntry.count({ where: { targetId: m.ctx.mailboxId, action: "mailbox.trace_off" } })).toBe(1);

    // Retention: a transcript older than the period goes, a newer one stays.
    await db().mailboxTrace.updateMany({
      where: { mailboxId: m.ctx.mailboxId },
      data: { startedAt: new Date(Date.now() - (TRACE_RETENTION_DAYS + 1) * 86_400_000) },
    });
    expect(await pruneTraces()).toBeGreaterThanOrEqual(1);
    expect((await mailboxTraces(m.ctx)).traces).toHaveLength(0);
  });

  it("a foreign mailbox answers like a missing one", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `it@${SEED.contoso.domain}`, { mailbox: { outbound: "none" } });
    const other = await mailboxWithSandboxGrant(env.sb, `it@${SEED.contoso.domain}`, { mailbox: { outbound: "none" } });
    const foreign = { ...m.ctx, mailboxId: other.ctx.mailboxId };
    await expect(setMailboxTrace(foreign, true, actor(m.ctx.workspaceId))).rejects.toMatchObject({ status: 404 });
    await expect(mailboxTraces(foreign)).rejects.toMatchObject({ status: 404 });
  });
});
