// Signs in through next-auth's real credentials endpoint and returns a request context that
// carries the session cookie, for API-level e2e checks.
import { request, type APIRequestContext } from "@playwright/test";
import { fixture } from "./fixture";

export async function apiAs(email: string | null): Promise<APIRequestContext> {
  const f = fixture();
  const ctx = await request.newContext({ baseURL: f.baseUrl });
  if (!email) return ctx;
  const { csrfToken } = await (await ctx.get("/api/auth/csrf")).json();
  const res = await ctx.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password: f.password, json: "true" },
    maxRedirects: 0,
  });
  if (res.status() >= 400) throw new Error(`sign-in as ${email} failed: ${res.status()}`);
  const me = await ctx.get("/api/me");
  if (me.status() !== 200) throw new Error(`sign-in as ${email} did not create a session (${me.status()})`);
  return ctx;
}
