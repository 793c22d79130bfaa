// [CROSS-TENANT] Other tenants' and other workspaces' data through the HTTP API.
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { apiAs } from "../support/api-session";
import { fixture } from "../support/fixture";

const f = fixture();
const { alpha, beta } = f.workspaceA.tenants;
const { gamma } = f.workspaceB.tenants;
const missing = randomUUID();

test.describe("[CROSS-TENANT] tenants API", () => {
  test("a technician limited to Alpha lists only Alpha", async () => {
    const api = await apiAs(f.users.tech);
    const { tenants } = await (await api.get("/api/tenants")).json();
    expect(tenants.map((t: { id: string }) => t.id)).toEqual([alpha]);
  });

  test("a foreign tenant answers exactly like a missing one (read, change, delete)", async () => {
    const api = await apiAs(f.users.tech);
    const missingRes = await api.get(`/api/tenants/${missing}`);
    expect(missingRes.status()).toBe(404);
    const missingBody = await missingRes.json();
    for (const id of [beta, gamma]) {
      const r = await api.get(`/api/tenants/${id}`);
      expect(r.status()).toBe(404);
      expect(await r.json()).toEqual(missingBody);
      expect((await api.patch(`/api/tenants/${id}`, { data: { displayName: "Hijacked" } })).status()).toBe(404);
      expect((await api.delete(`/api/tenants/${id}`)).status()).toBe(404);
    }
    const owner = await apiAs(f.users.owner);
    expect((await (await owner.get(`/api/tenants/${beta}`)).json()).tenant.displayName).toBe("Beta LLC");
  });

  test("another workspace's owner can't reach this workspace's tenants", async () => {
    const other = await apiAs(f.users.otherOwner);
    for (const id of [alpha, beta]) {
      expect((await other.get(`/api/tenants/${id}`)).status()).toBe(404);
      expect((await other.patch(`/api/tenants/${id}`, { data: { notes: "x" } })).status()).toBe(404);
      expect((await other.delete(`/api/tenants/${id}`)).status()).toBe(404);
    }
    const owner = await apiAs(f.users.owner);
    expect((await owner.get(`/api/tenants/${gamma}`)).status()).toBe(404);
    expect((await owner.delete(`/api/tenants/${gamma}`)).status()).toBe(404);
    expect((await other.get(`/api/tenants/${gamma}`)).status()).toBe(200);
  });

  test("a technician can see Alpha but not edit tenants (403), support can't change anything", async () => {
    const tech = await apiAs(f.users.tech);
    expect((await tech.get(`/api/tenants/${alpha}`)).status()).toBe(200);
    expect((await tech.patch(`/api/tenants/${alpha}`, { data: { notes: "x" } })).status()).toBe(403);
    const support = await apiAs(f.users.support);
    expect((await support.get(`/api/tenants/${beta}`)).status()).toBe(200);
    expect(
      (await support.post("/api/tenants", { data: { displayName: "X", primaryDomain: "x.example.com", cloud: "global" } })).status(),
    ).toBe(403);
    expect((await support.patch(`/api/tenants/${alpha}`, { data: { notes: "x" } })).status()).toBe(403);
    expect((await support.delete(`/api/tenants/${alpha}`)).status()).toBe(403);
    expect(
      (
        await support.post("/api/staff", {
          data: { email: "n@x.test", name: "N", role: "admin", password: "long-enough-password", hasAllTenants: true, tenantIds: [] },
        })
      ).status(),
    ).toBe(403);
  });

  test("staff and audit stay inside the workspace and the tenant limit", async () => {
    const other = await apiAs(f.users.otherOwner);
    const { staff } = await (await other.get("/api/staff")).json();
    const otherMembership = staff[0].membershipId as string;
    const admin = await apiAs(f.users.admin);
    expect((await admin.patch(`/api/staff/${otherMembership}`, { data: { role: "support" } })).status()).toBe(404);
    expect((await admin.delete(`/api/staff/${otherMembership}`)).status()).toBe(404);
    const mine = (await (await admin.get("/api/staff")).json()).staff.map((s: { email: string }) => s.email);
    expect(mine).not.toContain(f.users.otherOwner);

    await admin.patch(`/api/tenants/${beta}`, { data: { notes: "audited change" } });
    const tech = await apiAs(f.users.tech);
    const { entries } = await (await tech.get("/api/audit")).json();
    expect(entries.some((e: { tenantId: string | null }) => e.tenantId === beta)).toBe(false);
    const { entries: filtered } = await (await tech.get(`/api/audit?tenantId=${gamma}`)).json();
    expect(filtered).toEqual([]);
  });

  test("signed out: 401 on the API", async () => {
    const anon = await apiAs(null);
    expect((await anon.get("/api/tenants")).status()).toBe(401);
    expect((await anon.post("/api/tenants", { data: {} })).status()).toBe(401);
  });
});

test.describe("[API] bad input gets a clear 4xx", () => {
  test("validation errors name the fields", async () => {
    const api = await apiAs(f.users.admin);
    const r = await api.post("/api/tenants", { data: { displayName: "", directoryId: "not-a-guid", cloud: "mars" } });
    expect(r.status()).toBe(400);
    const body = await r.json();
    expect(body.error.code).toBe("validation");
    expect(Object.keys(body.error.fields)).toEqual(expect.arrayContaining(["displayName", "directoryId", "cloud"]));
  });

  test("oversized, non-JSON and malformed bodies", async () => {
    const api = await apiAs(f.users.admin);
    const big = await api.post("/api/tenants", {
      data: { displayName: "x".repeat(70_000), primaryDomain: "x.example.com", cloud: "global" },
    });
    expect(big.status()).toBe(413);
    const text = await api.post("/api/tenants", { data: Buffer.from("hello"), headers: { "content-type": "text/plain" } });
    expect(text.status()).toBe(400);
    const broken = await api.post("/api/tenants", { data: Buffer.from("{not json"), headers: { "content-type": "application/json" } });
    expect(broken.status()).toBe(400);
    expect((await broken.json()).error.message).toMatch(/not valid JSON/);
  });

  test("a malformed id in the path is a plain 404", async () => {
    const api = await apiAs(f.users.admin);
    const r = await api.get("/api/tenants/../../etc");
    expect([404]).toContain(r.status());
    expect((await api.get("/api/tenants/123")).status()).toBe(404);
  });

  test("a cross-origin mutation is refused", async () => {
    const api = await apiAs(f.users.admin);
    const r = await api.post("/api/tenants", {
      data: { displayName: "Evil", primaryDomain: "evil.example.com", cloud: "global" },
      headers: { origin: "https://evil.example.com" },
    });
    expect(r.status()).toBe(403);
  });
});

test.describe("[CROSS-TENANT] event log and support bundles", () => {
  test("a foreign tenant or mailbox answers like a missing one; unfiltered views leave them out", async () => {
    const tech = await apiAs(f.users.tech);
    const missingBody = await (await tech.get(`/api/support-bundle?tenantId=${missing}`)).json();
    for (const id of [beta, gamma]) {
      for (const path of [
        `/api/events?tenantId=${id}`,
        `/api/events/trend?tenantId=${id}`,
        `/api/support-bundle?tenantId=${id}`,
        `/api/mailboxes/trend?tenantId=${id}`,
        `/api/mailboxes?tenantId=${id}`,
        `/api/mailboxes?tenantId=${id}&state=connected&sort=address&limit=200`,
      ]) {
        const r = await tech.get(path);
        expect(r.status(), path).toBe(404);
        expect(await r.json()).toEqual(missingBody);
      }
    }
    for (const mb of [f.objects.beta.mailbox, f.objects.gamma.mailbox]) {
      expect((await tech.get(`/api/support-bundle?mailboxId=${mb}`)).status()).toBe(404);
      expect((await tech.get(`/api/events?mailboxId=${mb}`)).status()).toBe(404);
      // A foreign mailbox under an allowed tenant is still not found.
      expect((await tech.get(`/api/support-bundle?tenantId=${alpha}&mailboxId=${mb}`)).status()).toBe(404);
    }
    const own = await tech.get(`/api/support-bundle?mailboxId=${f.objects.alpha.mailbox}`);
    expect(own.status()).toBe(200);
    expect(own.headers()["content-disposition"]).toMatch(/^attachment; filename="consentry-support-helpdesk-alpha-example-com-/);
    const ws = await (await tech.get("/api/support-bundle")).text();
    expect(ws).toContain("Alpha Corp");
    expect(ws).not.toContain("Beta LLC");
    expect(ws).not.toContain("Gamma GmbH");
    const { events } = await (await tech.get("/api/events?limit=500")).json();
    expect(events.every((e: { tenantId: string | null }) => e.tenantId === null || e.tenantId === alpha)).toBe(true);
    const other = await apiAs(f.users.otherOwner);
    expect((await other.get(`/api/support-bundle?tenantId=${alpha}`)).status()).toBe(404);
    expect(await (await other.get("/api/support-bundle")).text()).not.toContain("Alpha Corp");
  });

  test("bad input gets a clear 400, never a 500", async () => {
    const owner = await apiAs(f.users.owner);
    for (const path of [
      "/api/events?level=loud",
      "/api/events?limit=100000",
      "/api/support-bundle?days=365",
      "/api/support-bundle?tenantId=not-a-uuid",
      "/api/events?cursor=x",
      "/api/mailboxes?limit=100000",
      "/api/mailboxes?limit=0",
      "/api/mailboxes?sort=password",
      "/api/mailboxes?sort=address&dir=sideways",
      "/api/mailboxes?state=everything",
      "/api/mailboxes?page=-1",
      "/api/mailboxes?tenantId=not-a-uuid",
      `/api/mailboxes?q=${"x".repeat(500)}`,
    ]) {
      const r = await owner.get(path);
      expect(r.status(), path).toBe(400);
      expect((await r.json()).error.message).toBeTruthy();
    }
  });
});

test.describe("[CROSS-TENANT] customer status links", () => {
  test("a limited technician can't list, create or revoke another tenant's links; support can't create", async () => {
    const tech = await apiAs(f.users.tech);
    for (const id of [beta, gamma]) {
      expect((await tech.get(`/api/tenants/${id}/status-links`)).status()).toBe(404);
      expect((await tech.post(`/api/tenants/${id}/status-links`, { data: {} })).status()).toBe(404);
    }
    const owner = await apiAs(f.users.owner);
    const made = await owner.post(`/api/tenants/${beta}/status-links`, { data: { label: "x" } });
    expect(made.status()).toBe(201);
    const { link } = await made.json();
    expect((await tech.delete(`/api/tenants/${beta}/status-links/${link.id}`)).status()).toBe(404);
    // Under an allowed tenant's path, another tenant's link is still not found.
    expect((await tech.delete(`/api/tenants/${alpha}/status-links/${link.id}`)).status()).toBe(404);
    const other = await apiAs(f.users.otherOwner);
    expect((await other.get(`/api/tenants/${beta}/status-links`)).status()).toBe(404);
    const support = await apiAs(f.users.support);
    expect((await support.post(`/api/tenants/${alpha}/status-links`, { data: {} })).status()).toBe(403);
    expect((await owner.post(`/api/tenants/${beta}/status-links`, { data: { days: 1000 } })).status()).toBe(400);
    const { links } = await (await owner.get(`/api/tenants/${beta}/status-links`)).json();
    expect(JSON.stringify(links)).not.toMatch(/cs_[A-Za-z0-9_-]{43}/);
    expect(JSON.stringify(links)).not.toContain("tokenHash");
    expect((await owner.delete(`/api/tenants/${beta}/status-links/${link.id}`)).status()).toBe(204);
  });
});

// Issue 9, finding 1: a tenant-limited admin or owner never widens a scope, its own or anyone's.
test.describe("[CROSS-TENANT] a tenant-limited admin or owner never widens a scope", () => {
  const newStaff = (extra: Record<string, unknown>) => ({
    email: `n-${randomUUID().slice(0, 8)}@acme.test`,
    name: "N",
    role: "technician",
    password: "long-enough-password",
    ...extra,
  });

  for (const who of ["limitedAdmin", "limitedOwner"] as const) {
    test(`${who}: its own membership can't be widened, and new staff stay within Alpha`, async () => {
      const api = await apiAs(f.users[who]);
      const me = (await (await api.get("/api/staff")).json()).staff.find((s: { email: string }) => s.email === f.users[who]);
      expect(me).toBeTruthy();
      for (const data of [
        { hasAllTenants: true },
        { hasAllTenants: false, tenantIds: [alpha, beta] },
        { tenantIds: [beta] },
        { role: "support" },
        { isDisabled: false },
      ]) {
        expect((await api.patch(`/api/staff/${me.membershipId}`, { data })).status(), JSON.stringify(data)).toBe(403);
      }
      expect(await (await api.get("/api/me")).json()).toMatchObject({ hasAllTenants: false, tenantIds: [alpha] });
      expect((await api.post("/api/staff", { data: newStaff({ hasAllTenants: true, tenantIds: [] }) })).status()).toBe(403);
      expect((await api.post("/api/staff", { data: newStaff({ hasAllTenants: false, tenantIds: [beta] }) })).status()).toBe(403);
      expect((await api.post("/api/staff", { data: newStaff({ hasAllTenants: false, tenantIds: [alpha, beta] }) })).status()).toBe(403);
      // A missing hasAllTenants is a 400, never "every tenant".
      expect((await api.post("/api/staff", { data: newStaff({}) })).status()).toBe(400);
      expect((await api.post("/api/api-keys", { data: { name: "wide", scopes: ["read"], hasAllTenants: true } })).status()).toBe(403);
      expect(
        (
          await api.post("/api/webhooks", {
            data: { url: "https://hooks.example.com/wide", events: ["message.received"], hasAllTenants: true },
          })
        ).status(),
      ).toBe(403);
      // A new tenant would be outside its own tenants: only all-tenant owners and admins add tenants.
      expect(
        (
          await api.post("/api/tenants", { data: { displayName: "Sneaky", primaryDomain: "sneaky.example.com", cloud: "global" } })
        ).status(),
      ).toBe(403);
    });
  }

  test("a limited admin can't see, change or remove all-tenant staff, nor make an owner", async () => {
    const owner = await apiAs(f.users.owner);
    const all = (await (await owner.get("/api/staff")).json()).staff as { email: string; membershipId: string }[];
    const ownerRow = all.find((s) => s.email === f.users.owner)!;
    const adminRow = all.find((s) => s.email === f.users.admin)!;
    const api = await apiAs(f.users.limitedAdmin);
    const seen = ((await (await api.get("/api/staff")).json()).staff as { email: string }[]).map((s) => s.email);
    expect(seen).toContain(f.users.limitedAdmin);
    expect(seen).toContain(f.users.tech);
    for (const wider of [f.users.owner, f.users.admin, f.users.support, "admin@demomsp.onmicrosoft.com"]) expect(seen).not.toContain(wider);
    for (const row of [ownerRow, adminRow]) {
      expect((await api.patch(`/api/staff/${row.membershipId}`, { data: { isDisabled: true } })).status()).toBe(403);
      expect((await api.patch(`/api/staff/${row.membershipId}`, { data: { role: "support" } })).status()).toBe(403);
      expect((await api.delete(`/api/staff/${row.membershipId}`)).status()).toBe(403);
    }
    expect((await api.post("/api/staff", { data: newStaff({ role: "owner", hasAllTenants: false, tenantIds: [alpha] }) })).status()).toBe(
      403,
    );
    const after = (await (await owner.get("/api/staff")).json()).staff as { email: string; isDisabled: boolean; role: string }[];
    expect(after.find((s) => s.email === f.users.owner)).toMatchObject({ isDisabled: false, role: "owner" });
    expect(after.find((s) => s.email === f.users.admin)).toMatchObject({ isDisabled: false, role: "admin" });
  });

  test("workspace settings: limited admins and owners get 403 on every write and don't see alert recipients", async () => {
    for (const who of [f.users.limitedAdmin, f.users.limitedOwner]) {
      const api = await apiAs(who);
      expect(
        (await api.put("/api/settings/alerts", { data: { recipients: ["attacker@evil.example"], kinds: ["mailbox", "secret"] } })).status(),
      ).toBe(403);
      expect((await api.put("/api/settings/retention", { data: { messageRetentionDays: 7 } })).status()).toBe(403);
      expect((await api.put("/api/settings/notifier", { data: { mailboxId: null } })).status()).toBe(403);
      expect((await api.post("/api/settings/notifier/test", { data: { to: "attacker@evil.example" } })).status()).toBe(403);
      expect((await (await api.get("/api/settings/alerts")).json()).alerts).toMatchObject({
        recipients: [],
        defaultRecipients: [],
        recipientsHidden: true,
      });
    }
    const owner = await apiAs(f.users.owner);
    expect((await (await owner.get("/api/settings/alerts")).json()).alerts.recipients).not.toContain("attacker@evil.example");
  });
});
