// Without SANDBOX_ENABLED the Sandbox cloud is refused by the API (400 at the field), and staff
// SSO pointed at the sandbox is off.
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { resetEnvCache } from "../env";
import { createTenant } from "./create-tenant";
import { updateTenant } from "./update-tenant";
import { ZTenantCreate } from "./schemas";
import { entraCloudAllowed } from "../auth/entra-cloud";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
});
function sandbox(on: boolean) {
  process.env.SANDBOX_ENABLED = on ? "true" : "false";
  resetEnvCache();
}

describe("the Sandbox cloud needs SANDBOX_ENABLED", () => {
  it("tenant create and update with cloud sandbox answer 400 while it is off", async () => {
    sandbox(false);
    const ws = await db().workspace.create({ data: { name: "Prod", slug: `pr-${randomUUID()}` } });
    const w = { workspaceId: ws.id, actor: { workspaceId: ws.id, email: "admin@msp.test" } };
    const input = ZTenantCreate.parse({ displayName: "Fake", directoryId: randomUUID(), cloud: "sandbox" });
    await expect(createTenant({ ...w, input })).rejects.toMatchObject({ status: 400, fields: { cloud: expect.stringMatching(/Sandbox/) } });
    expect(await db().tenant.count({ where: { workspaceId: ws.id } })).toBe(0);
    const t = await createTenant({ ...w, input: { ...input, cloud: "global" } });
    await expect(updateTenant({ ...w, tenantId: t.id, input: { cloud: "sandbox" } })).rejects.toMatchObject({ status: 400 });
    expect((await db().tenant.findUniqueOrThrow({ where: { id: t.id } })).cloud).toBe("global");
    sandbox(true);
    expect((await updateTenant({ ...w, tenantId: t.id, input: { cloud: "sandbox" } })).cloud).toBe("sandbox");
  });

  it("staff SSO on the sandbox cloud is off unless the sandbox is enabled", () => {
    expect(entraCloudAllowed({ AUTH_ENTRA_CLOUD: "sandbox", SANDBOX_ENABLED: false })).toBe(false);
    expect(entraCloudAllowed({ AUTH_ENTRA_CLOUD: "sandbox", SANDBOX_ENABLED: true })).toBe(true);
    expect(entraCloudAllowed({ AUTH_ENTRA_CLOUD: "global", SANDBOX_ENABLED: false })).toBe(true);
  });
});
