// The load-test admin route: many refresh tokens in one call, each one the token endpoint redeems
// like a token from a real consent, counted by GET /admin/stats.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox } from "../../testing/start-test-sandbox";
import { SEED } from "../directory/seed";

let sb: Awaited<ReturnType<typeof startTestSandbox>>;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(() => sb?.stop());

const C = SEED.contoso;
const IMAP = "https://outlook.office.com/IMAP.AccessAsUser.All";

describe("POST /admin/tokens/refresh-bulk", () => {
  it("mints distinct refresh tokens that the token endpoint redeems, each counted once", async () => {
    const r = await sb.admin("POST", "/admin/tokens/refresh-bulk", {
      upn: `helpdesk@${C.domain}`,
      clientId: C.clientId,
      scopes: [IMAP, "offline_access"],
      count: 3,
    });
    expect(r.status).toBe(201);
    const tokens = r.body.refresh_tokens as string[];
    expect(new Set(tokens).size).toBe(3);
    const before = (await sb.admin("GET", "/admin/stats")).body.tokenRequests.refresh_token ?? 0;
    for (const refresh_token of tokens.slice(0, 2)) {
      const res = await fetch(`${sb.urls.identity}/${C.id}/oauth2/v2.0/token`, {
        method: "POST",
        body: new URLSearchParams({
          client_id: C.clientId,
          client_secret: C.secret,
          grant_type: "refresh_token",
          refresh_token,
          scope: IMAP,
        }),
      });
      const body = (await res.json()) as Record<string, unknown>;
      expect(res.status).toBe(200);
      expect(body.access_token).toBeTruthy();
      expect(body.refresh_token).toBeTruthy();
    }
    expect((await sb.admin("GET", "/admin/stats")).body.tokenRequests.refresh_token - before).toBe(2);
  });

  it("refuses an unknown user, an unknown app and a count out of range", async () => {
    const base = { upn: `helpdesk@${C.domain}`, clientId: C.clientId, scopes: [IMAP], count: 1 };
    expect((await sb.admin("POST", "/admin/tokens/refresh-bulk", { ...base, upn: "nobody@contoso.onmicrosoft.com" })).status).toBe(404);
    expect(
      (await sb.admin("POST", "/admin/tokens/refresh-bulk", { ...base, clientId: "00000000-0000-0000-0000-000000000000" })).status,
    ).toBe(404);
    expect((await sb.admin("POST", "/admin/tokens/refresh-bulk", { ...base, count: 0 })).status).toBe(400);
    expect((await sb.admin("POST", "/admin/tokens/refresh-bulk", { ...base, count: 20_001 })).status).toBe(400);
  });
});
