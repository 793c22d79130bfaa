// Integration: the demo seed is complete and idempotent, seals the app secrets, and (with the
// strict sandbox) arrives with two connected mailboxes: one healthy (it syncs, passes the
// connection test and sends a test email to itself that arrives), one the worker finds failing.
import { describe, expect, it } from "vitest";
import { db } from "../lib/db/client";
import { sandboxForFile } from "../testing/sandbox-grant";
import { syncMailbox } from "../lib/sync/sync-mailbox";
import { seedDemo } from "./seed";
import { testMailboxConnection } from "../lib/checks/connection-test";
import { sendTestEmail } from "../lib/checks/test-email";

const env = sandboxForFile();

describe("demo seed", { timeout: 60_000 }, () => {
  it("creates the demo workspace once, with sealed secrets, ready mailboxes and two connected ones", async () => {
    const mint = async (p: { upn: string; clientId: string; scopes: string[] }) => {
      const r = await env.sb.admin("POST", "/admin/tokens", p);
      if (r.status !== 200) throw new Error(JSON.stringify(r.body));
      return r.body as { refresh_token: string };
    };
    const a = await seedDemo({ password: "demo-password-123", mint });
    const b = await seedDemo({ password: "demo-password-123", mint });
    expect(b).toEqual(a);
    expect(await db().tenant.count({ where: { workspaceId: a.workspaceId } })).toBe(3);
    expect(await db().mailbox.count({ where: { workspaceId: a.workspaceId, state: "pending_consent" } })).toBe(6);
    const secret = await db().appSecret.findFirstOrThrow({ where: { workspaceId: a.workspaceId }, omit: { sealedValue: false } });
    expect(secret.sealedValue.startsWith("v2.")).toBe(true);
    const tech = await db().membership.findFirstOrThrow({ where: { workspaceId: a.workspaceId, staffUser: { email: "tech@demo.msp" } } });
    expect(tech.hasAllTenants).toBe(false);
    expect(tech.tenantIds).toHaveLength(1);

    const connected = await db().mailbox.findMany({
      where: { workspaceId: a.workspaceId, state: "connected" },
      orderBy: { address: "asc" },
      select: { id: true, tenantId: true, address: true, grant: { select: { upn: true } } },
    });
    expect(connected.map((m) => [m.address, m.grant?.upn])).toEqual([
      ["bob@fabrikam.onmicrosoft.com", "bob@fabrikam.onmicrosoft.com"],
      ["sales@northwind.onmicrosoft.com", "sales@northwind.onmicrosoft.com"],
    ]);
    const ctx = (m: (typeof connected)[number]) => ({ workspaceId: a.workspaceId, tenantId: m.tenantId, mailboxId: m.id });
    expect(await syncMailbox(ctx(connected[0]))).toMatchObject({ ok: true });
    expect(await syncMailbox(ctx(connected[1]))).toMatchObject({ ok: false, code: "mailbox_unlicensed_or_imap_disabled" });
    // The healthy one also signs in over IMAP and SMTP and sends: what the demo shows first.
    const healthy = ctx(connected[0]);
    expect((await testMailboxConnection(healthy)).steps.map((x) => `${x.protocol}:${x.ok}`)).toEqual(["imap:true", "smtp:true"]);
    const sent = await sendTestEmail(healthy, connected[0].address);
    expect(sent.steps.map((x) => `${x.step}:${x.protocol}:${x.ok}`)).toEqual(["outbound:smtp:true", "inbound:imap:true"]);
  });
});
