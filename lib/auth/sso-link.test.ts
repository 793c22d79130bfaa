// Finding 4 (issue 9), against the real PostgreSQL: Microsoft sign-in is matched on (oid, tid);
// email links an account once, only in the configured tenant, and never re-points a linked one.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { resolveSsoStaff } from "./sso-link";

const MSP = randomUUID();
const OTHER = randomUUID();

async function staff(data: { entraOid?: string; entraTid?: string; isDisabled?: boolean } = {}) {
  const email = `sso-${randomUUID()}@demomsp.test`;
  const u = await db().staffUser.create({ data: { email, name: "SSO test", ...data } });
  return { id: u.id, email };
}
const read = (id: string) => db().staffUser.findUniqueOrThrow({ where: { id }, select: { entraOid: true, entraTid: true } });

describe("resolveSsoStaff", () => {
  it("links by email once in the configured tenant, then matches on oid + tid", async () => {
    const s = await staff();
    const oid = randomUUID();
    expect(await resolveSsoStaff({ oid, tid: MSP, email: s.email.toUpperCase() }, MSP)).toEqual({
      ok: true,
      staffUserId: s.id,
      linked: true,
    });
    expect(await read(s.id)).toEqual({ entraOid: oid, entraTid: MSP });
    // Later the email claim can say anything: the oid decides.
    expect(await resolveSsoStaff({ oid, tid: MSP, email: "renamed@elsewhere.test" }, MSP)).toEqual({
      ok: true,
      staffUserId: s.id,
      linked: false,
    });
  });

  it("refuses a different oid for an account already linked, even with the same email", async () => {
    const first = randomUUID();
    const s = await staff({ entraOid: first, entraTid: MSP });
    expect(await resolveSsoStaff({ oid: randomUUID(), tid: MSP, email: s.email }, MSP)).toEqual({ ok: false, reason: "linked_to_another" });
    expect(await read(s.id)).toEqual({ entraOid: first, entraTid: MSP });
  });

  it("refuses another tenant's user who set the staff member's email on their own account", async () => {
    const s = await staff();
    expect(await resolveSsoStaff({ oid: randomUUID(), tid: OTHER, email: s.email }, MSP)).toEqual({ ok: false, reason: "wrong_tenant" });
    expect(await read(s.id)).toEqual({ entraOid: null, entraTid: null });
  });

  it("never links by email when the configured tenant isn't a directory id", async () => {
    for (const t of ["common", "organizations", "consumers", "demomsp.onmicrosoft.com"]) {
      const s = await staff();
      expect(await resolveSsoStaff({ oid: randomUUID(), tid: MSP, email: s.email }, t)).toEqual({ ok: false, reason: "no_staff_account" });
      expect(await read(s.id)).toEqual({ entraOid: null, entraTid: null });
    }
    // An account already linked with its tenant still signs in through a multi-tenant authority.
    const oid = randomUUID();
    const linked = await staff({ entraOid: oid, entraTid: MSP });
    expect(await resolveSsoStaff({ oid, tid: MSP }, "organizations")).toEqual({ ok: true, staffUserId: linked.id, linked: false });
  });

  it("the same oid from another tenant is not the linked account", async () => {
    const oid = randomUUID();
    await staff({ entraOid: oid, entraTid: MSP });
    expect(await resolveSsoStaff({ oid, tid: OTHER }, "common")).toEqual({ ok: false, reason: "wrong_tenant" });
  });

  it("an account linked before tids were stored adopts the configured tenant, and only that", async () => {
    const oid = randomUUID();
    const s = await staff({ entraOid: oid });
    expect(await resolveSsoStaff({ oid, tid: OTHER }, "common")).toEqual({ ok: false, reason: "wrong_tenant" });
    expect(await resolveSsoStaff({ oid, tid: MSP }, MSP)).toEqual({ ok: true, staffUserId: s.id, linked: false });
    expect(await read(s.id)).toEqual({ entraOid: oid, entraTid: MSP });
  });

  it("refuses missing or malformed oid/tid, unknown emails and disabled accounts", async () => {
    const s = await staff();
    expect(await resolveSsoStaff({ tid: MSP, email: s.email }, MSP)).toEqual({ ok: false, reason: "missing_claims" });
    expect(await resolveSsoStaff({ oid: "not-a-guid", tid: MSP, email: s.email }, MSP)).toEqual({ ok: false, reason: "missing_claims" });
    expect(await resolveSsoStaff(undefined, MSP)).toEqual({ ok: false, reason: "missing_claims" });
    expect(await resolveSsoStaff({ oid: randomUUID(), tid: MSP, email: "nobody@demomsp.test" }, MSP)).toEqual({
      ok: false,
      reason: "no_staff_account",
    });
    const off = await staff({ isDisabled: true });
    expect(await resolveSsoStaff({ oid: randomUUID(), tid: MSP, email: off.email }, MSP)).toEqual({ ok: false, reason: "disabled" });
  });

  it("two first sign-ins racing for one account: only one oid is linked", async () => {
    const s = await staff();
    const [a, b] = [randomUUID(), randomUUID()];
    const results = await Promise.all([
      resolveSsoStaff({ oid: a, tid: MSP, email: s.email }, MSP),
      resolveSsoStaff({ oid: b, tid: MSP, email: s.email }, MSP),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const linked = (await read(s.id)).entraOid;
    expect([a, b]).toContain(linked);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, reason: "linked_to_another" });
  });
});
