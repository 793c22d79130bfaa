// Integration: a tenant added by domain gets its directory ID from the cloud's discovery (the
// sandbox here); an unknown tenant is refused at the field with AADSTS90002.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED } from "../../sandbox/directory/seed";
import { sandboxForFile } from "../../testing/sandbox-grant";
import { createTenant } from "./create-tenant";
import { ZTenantCreate } from "./schemas";

sandboxForFile();

async function workspace() {
  const ws = await db().workspace.create({ data: { name: "Onboarding", slug: `ob-${randomUUID()}` } });
  return { workspaceId: ws.id, actor: { workspaceId: ws.id, email: "admin@msp.test" } };
}

describe("adding a tenant by domain", { timeout: 30_000 }, () => {
  it("resolves the domain to the directory ID through openid-configuration", async () => {
    const w = await workspace();
    const t = await createTenant({
      ...w,
      input: ZTenantCreate.parse({ displayName: "Northwind", primaryDomain: SEED.northwind.domain, cloud: "sandbox" }),
    });
    expect(t).toMatchObject({ directoryId: SEED.northwind.id, warning: null });
    // The same directory again, by another spelling, is a duplicate.
    await expect(
      createTenant({
        ...w,
        input: ZTenantCreate.parse({ displayName: "Again", primaryDomain: SEED.northwind.domain.toUpperCase(), cloud: "sandbox" }),
      }),
    ).rejects.toMatchObject({ status: 409 });
  });

  it("refuses a tenant Microsoft doesn't know, naming AADSTS90002 at the field", async () => {
    const w = await workspace();
    const err = await createTenant({
      ...w,
      input: ZTenantCreate.parse({ displayName: "Nobody", primaryDomain: "nosuch.onmicrosoft.com", cloud: "sandbox" }),
    }).catch((e) => e);
    expect(err).toMatchObject({ status: 400, fields: { primaryDomain: expect.stringContaining("AADSTS90002") } });
    expect(await db().tenant.count({ where: { workspaceId: w.workspaceId } })).toBe(0);
  });

  it("keeps a GUID as given, without a lookup", async () => {
    const w = await workspace();
    const id = randomUUID();
    expect(
      await createTenant({ ...w, input: ZTenantCreate.parse({ displayName: "By id", directoryId: id, cloud: "sandbox" }) }),
    ).toMatchObject({ directoryId: id, warning: null });
  });
});
