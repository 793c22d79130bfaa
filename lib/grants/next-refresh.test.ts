// When the mailbox page says Microsoft is next asked for a token.
import { describe, expect, it } from "vitest";
import { MIN_REMAINING_MS } from "./get-access-token";
import { nextRefreshAt } from "./next-refresh";
import { PROACTIVE_REFRESH_DAYS } from "./proactive-refresh";

const now = new Date("2026-11-30T12:00:00Z");
const at = (ms: number) => new Date(now.getTime() + ms);

describe("nextRefreshAt", () => {
  it("a syncing mailbox refreshes when its cached token gets within 5 minutes of expiry", () => {
    const g = { accessTokenExpiresAt: at(60 * 60_000), lastRefreshAt: at(-10 * 60_000) };
    expect(nextRefreshAt(g, { syncs: true, now })).toEqual(at(60 * 60_000 - MIN_REMAINING_MS));
  });

  it("a mailbox that doesn't sync is refreshed proactively, days after its last refresh", () => {
    const g = { accessTokenExpiresAt: at(60 * 60_000), lastRefreshAt: at(-86_400_000) };
    expect(nextRefreshAt(g, { syncs: false, now })).toEqual(at((PROACTIVE_REFRESH_DAYS - 1) * 86_400_000));
  });

  it("an expired or missing token means the next use, never a time in the past", () => {
    expect(nextRefreshAt({ accessTokenExpiresAt: at(-60_000), lastRefreshAt: at(-3_600_000) }, { syncs: true, now })).toEqual(now);
    expect(nextRefreshAt({ accessTokenExpiresAt: null, lastRefreshAt: null }, { syncs: true, now })).toEqual(
      at(PROACTIVE_REFRESH_DAYS * 86_400_000),
    );
  });
});
