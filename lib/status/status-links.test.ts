// Integration: status links resolve only while valid, and show only their own tenant.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { createStatusLink, resolveStatusLink, ZStatusLinkCreate } from "./status-links";

describe("customer status links", () => {
  it("show the tenant's mailboxes in plain words, never another tenant's; expired and bad tokens show nothing", async () => {
    const ws = await db().workspace.create({ data: { name: "MSP", slug: `sl-${randomUUID()}` } });
    const t = await db().tenant.create({ data: { workspaceId: ws.id, displayName: "Customer", cloud: "global" } });
    const o = await db().tenant.create({ data: { workspaceId: ws.id, displayName: "Other", cloud: "global" } });
    await db().mailbox.create({
      data: { workspaceId: ws.id, tenantId: t.id, address: "helpdesk@customer.com", state: "degraded", stateCode: "smtp_auth_disabled" },
    });
    await db().mailbox.create({ data: { workspaceId: ws.id, tenantId: o.id, address: "secret@other.com" } });
    const actor = { workspaceId: ws.id, email: "tech@msp.test" };
    const { url, link } = await createStatusLink({
      workspaceId: ws.id,
      tenantId: t.id,
      actor,
      input: ZStatusLinkCreate.parse({ label: "Jane" }),
    });
    const token = url.split("/status/")[1];
    const r = await resolveStatusLink(token);
    expect(r.state).toBe("ok");
    expect(r.view).toMatchObject({
      msp: "MSP",
      tenant: "Customer",
      mailboxes: [{ address: "helpdesk@customer.com", stateLabel: "Partly working", problem: { title: "SMTP AUTH is turned off" } }],
    });
    expect(JSON.stringify(r.view)).not.toContain("secret@other.com");
    expect((await db().statusLink.findUniqueOrThrow({ where: { id: link.id } })).lastViewedAt).not.toBeNull();
    await db().statusLink.update({ where: { id: link.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect((await resolveStatusLink(token)).state).toBe("expired");
    for (const bad of ["", "cs_short", token.replace(/^cs_/, "cu_"), `cs_${"A".repeat(43)}`])
      expect((await resolveStatusLink(bad)).state).toBe("invalid");
    await expect(
      createStatusLink({ workspaceId: ws.id, tenantId: randomUUID(), actor, input: ZStatusLinkCreate.parse({}) }),
    ).rejects.toMatchObject({ status: 404 });
  });
});
