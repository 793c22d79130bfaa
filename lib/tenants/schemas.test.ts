import { describe, expect, it } from "vitest";
import { ZTenantCreate, ZTenantUpdate } from "./schemas";
import { zodFieldErrors } from "../core/zod-fields";

describe("tenant input", () => {
  it("explains a bad directory ID next to its field", () => {
    const r = ZTenantCreate.safeParse({ displayName: "x", directoryId: "not-a-guid", primaryDomain: "", cloud: "global" });
    expect(r.success).toBe(false);
    expect(zodFieldErrors(r.error!).directoryId).toMatch(/GUID/);
  });
  it("needs a directory ID or a domain", () => {
    const r = ZTenantCreate.safeParse({ displayName: "x", directoryId: "", primaryDomain: "", cloud: "global" });
    expect(zodFieldErrors(r.error!).directoryId).toMatch(/directory \(tenant\) ID or the primary domain/);
  });
  it("normalizes case and treats empty strings as unset", () => {
    const r = ZTenantCreate.parse({
      displayName: " Contoso ",
      directoryId: "72F988BF-86F1-41AF-91AB-2D7CD011DB47",
      primaryDomain: "",
      cloud: "sandbox",
    });
    expect(r).toMatchObject({ displayName: "Contoso", directoryId: "72f988bf-86f1-41af-91ab-2d7cd011db47", primaryDomain: null });
  });
  it("rejects unknown fields and clouds", () => {
    expect(ZTenantCreate.safeParse({ displayName: "x", primaryDomain: "a.com", cloud: "mars" }).success).toBe(false);
    expect(ZTenantUpdate.safeParse({ workspaceId: "other" }).success).toBe(false);
  });
});
