// The callback tells apart a missing state, one Consentry never issues (altered or forged) and a
// well-formed one it doesn't know, each with its own words.
import { describe, expect, it } from "vitest";
import { handleCallback } from "./handle-callback";
import { REFUSALS, REFUSAL_STATUS } from "./refusal-text";
import { newToken } from "./secure-token";

const refusalOf = async (state: string | undefined) =>
  /error=([a-z_]+)$/.exec((await handleCallback({ query: { code: "abc", state }, cookieState: state, staffUserId: null })).redirect)?.[1];

describe("callback state refusals", () => {
  it("says 'without the request's state' only when there was none", async () => {
    expect(await refusalOf(undefined)).toBe("missing_state");
    expect(await refusalOf("")).toBe("missing_state");
    expect(REFUSALS.missing_state.body).toContain("without the request's state");
  });

  it("calls a state in a shape Consentry never issues forged, not missing", async () => {
    for (const s of ["abc", "st_short", `cu_${"x".repeat(43)}`, `st_${"x".repeat(42)}!`])
      expect(await refusalOf(s), s).toBe("forged_state");
    expect(REFUSALS.forged_state.body).not.toContain("without the request's state");
    expect(REFUSAL_STATUS.forged_state).toBe(400);
  });

  it("calls a well-formed state it has no record of unknown", async () => {
    expect(await refusalOf(newToken("state"))).toBe("unknown_state");
  });
});
