// Signs in through the real login page, once per user: later calls in the same Playwright worker
// reuse that user's session cookies. Passwords are hashed with scrypt at OWASP's cost (N=2^17,
// 128 MiB, a core for a while), and the web process hashes at most two at once, so signing in
// through the form in every journey made each one wait for a hash (many seconds on a loaded
// machine) and could meet "Sign-in is busy" — the form itself is tested where it matters
// (foundation, login-redirect, and every user's first sign-in here).
import { expect, type Cookie, type Page } from "@playwright/test";
import { fixture } from "./fixture";

// A real sign-in waits for a scrypt hash: seconds normally, much longer on a machine under load.
export const SIGN_IN_TIMEOUT = 45_000;
const BUSY = "Sign-in is busy right now";

const sessions = new Map<string, Cookie[]>();

export async function signIn(page: Page, email: string, password = fixture().password, opts: { fresh?: boolean } = {}) {
  const f = fixture();
  const saved = !opts.fresh && password === f.password ? sessions.get(email) : undefined;
  if (saved) {
    await page.context().addCookies(saved);
    await page.goto("/");
    if (!new URL(page.url()).pathname.startsWith("/login")) {
      await expect(page.getByTestId("sign-out")).toBeVisible();
      return;
    }
    sessions.delete(email); // expired or refused: sign in again below
  }
  await signInWithForm(page, email, password);
  if (password === f.password) sessions.set(email, await page.context().cookies(f.baseUrl));
}

/** The login form, retried with backoff while the server answers "busy" (too many hashes at once). */
export async function signInWithForm(page: Page, email: string, password: string, path = "/login") {
  for (let attempt = 0; ; attempt++) {
    await page.goto(path);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const busy = page.getByRole("alert").filter({ hasText: BUSY });
    await expect(page.getByTestId("sign-out").or(busy)).toBeVisible({ timeout: SIGN_IN_TIMEOUT });
    if (!(await busy.isVisible())) return;
    if (attempt >= 4) throw new Error(`sign-in as ${email} stayed busy after ${attempt + 1} tries`);
    await page.waitForTimeout(1_000 * 2 ** attempt);
  }
}
