// After sign-in the browser only goes somewhere on our own origin, whatever callbackUrl says
// (issue 9, finding 11), and a repeated callbackUrl is a normal login page, not a 500.
import { expect, test } from "@playwright/test";
import { fixture } from "../support/fixture";
import { SIGN_IN_TIMEOUT, signInWithForm } from "../support/ui-session";

const f = fixture();
// Every case signs in for real: a scrypt hash at OWASP's cost (N=2^17), many seconds on a loaded machine.
test.slow(true, "real sign-ins, each a scrypt hash");

for (const hostile of [
  "/%5Cevil.example",
  "//evil.example",
  "/%5C/evil.example",
  "https://evil.example/",
  "%2F%2Fevil.example",
  "/%09/evil.example",
  "javascript:alert(1)",
]) {
  test(`[login] callbackUrl=${hostile} stays on our origin`, async ({ page }) => {
    const leaving: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(f.baseUrl) && r.isNavigationRequest()) leaving.push(r.url());
    });
    // Waits out the scrypt hash (slow under load) and retries a "busy" answer.
    await signInWithForm(page, f.users.admin, f.password, `/login?callbackUrl=${hostile}`);
    expect(new URL(page.url()).origin).toBe(new URL(f.baseUrl).origin);
    expect(leaving).toEqual([]);
  });
}

test("[login] a safe callbackUrl is honoured; a repeated one is a login page, not a 500", async ({ page, request }) => {
  await signInWithForm(page, f.users.admin, f.password, "/login?callbackUrl=%2Fevents%3Flevel%3Dwarn");
  await expect(page).toHaveURL(/\/events\?level=warn$/, { timeout: SIGN_IN_TIMEOUT });

  const r = await request.get("/login?callbackUrl=/events&callbackUrl=//evil.example&error=a&error=b", { maxRedirects: 0 });
  expect(r.status()).toBe(200);
  expect(await r.text()).toContain("Sign in to Consentry");
});

test("[login] next-auth's redirect callback keeps only our origin", async ({ request }) => {
  for (const hostile of ["/\\evil.example", "https://evil.example/x", "//evil.example", "/%5Cevil.example"]) {
    const csrf = (await (await request.get("/api/auth/csrf")).json()).csrfToken as string;
    const r = await request.post("/api/auth/callback/credentials", {
      form: { csrfToken: csrf, email: f.users.admin, password: f.password, callbackUrl: hostile, json: "true" },
      maxRedirects: 0,
    });
    const to = ((await r.json()) as { url: string }).url;
    expect(new URL(to).origin).toBe(new URL(f.baseUrl).origin);
    expect(new URL(to).pathname).not.toMatch(/^\/[\\/]/);
  }
});
