// Integration: the same folder of one mailbox configured twice, with a taking after-processing.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { folderConflicts } from "./folder-conflicts";

describe("folder conflicts", () => {
  it("flags a shared folder when either side moves or deletes, and speaks only of tenants the caller may see", async () => {
    const ws = await db().workspace.create({ data: { name: "FC", slug: `fc-${randomUUID()}` } });
    const prod = await db().tenant.create({ data: { workspaceId: ws.id, displayName: "Contoso", cloud: "global" } });
    const test = await db().tenant.create({ data: { workspaceId: ws.id, displayName: "Contoso (test)", cloud: "global" } });
    const a = await db().mailbox.create({
      data: { workspaceId: ws.id, tenantId: prod.id, address: "helpdesk@contoso.com", afterProcessing: "keep" },
    });
    const b = await db().mailbox.create({
      data: { workspaceId: ws.id, tenantId: test.id, address: "Helpdesk@Contoso.com", afterProcessing: "keep", folder: "inbox" },
    });
    const all = { workspaceId: ws.id, hasAllTenants: true, tenantIds: [] };
    expect(await folderConflicts(all, a.id)).toEqual({ visible: [] });
    await db().mailbox.update({ where: { id: b.id }, data: { afterProcessing: "delete" } });
    expect(await folderConflicts(all, a.id)).toEqual({
      visible: [{ id: b.id, tenantId: test.id, tenantName: "Contoso (test)", afterProcessing: "delete" }],
    });
    expect((await folderConflicts(all, b.id)).visible.map((v) => v.id)).toEqual([a.id]);
    expect(await folderConflicts({ ...all, hasAllTenants: false, tenantIds: [prod.id] }, a.id)).toEqual({ visible: [] });
    // Different folders don't clash.
    await db().mailbox.update({ where: { id: b.id }, data: { folder: "Tickets" } });
    expect(await folderConflicts(all, a.id)).toEqual({ visible: [] });
  });
});
