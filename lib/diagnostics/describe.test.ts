import { describe as suite, expect, it } from "vitest";
import { describe } from "./describe";
import { CATALOG, refreshFailureOf } from "./catalog";

suite("describe", () => {
  it("builds the view of a stored code from the catalog", () => {
    const v = describe("secret_expired");
    expect(v).toMatchObject({
      code: "secret_expired",
      isKnown: true,
      title: "Client secret has expired",
      retryable: false,
      transient: false,
      action: "rotate_secret",
    });
    expect(v.fixSteps.length).toBeGreaterThan(0);
    expect(describe("imap_throttled").transient).toBe(true);
  });
  it("answers null for no code and the fallback entry for an unknown one", () => {
    expect(describe(null)).toBeNull();
    expect(describe("")).toBeNull();
    const v = describe("no_such_code");
    expect(v.isKnown).toBe(false);
    expect(v.code).toBe(CATALOG[CATALOG.length - 1].code);
  });
});

suite("catalog refresh-failure column", () => {
  it("holds exactly the AADSTS codes classify.ts once listed as permanent", () => {
    const all = CATALOG.flatMap((e) => e.match.flatMap((r) => ("aadsts" in r ? r.aadsts : [])));
    const of = (kind: string) => [...new Set(all.filter((c) => refreshFailureOf(c) === kind))].sort((a, b) => a - b);
    expect(of("permanent_grant")).toEqual(
      [700082, 70008, 50173, 65001, 70043, 50076, 50079, 53003, 54005, 9002313, 50132, 50133, 70000].sort((a, b) => a - b),
    );
    expect(of("permanent_client")).toEqual([7000215, 7000222, 7000218, 700016].sort((a, b) => a - b));
    expect(refreshFailureOf(70011)).toBeNull();
  });
});
