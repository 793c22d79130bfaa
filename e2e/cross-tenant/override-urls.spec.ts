// [SECURITY] Stored XSS through app overrides (issue 9, finding 3), and the production headers
// that back it up: a per-request script nonce instead of 'unsafe-inline', and HSTS.
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { apiAs } from "../support/api-session";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";

const f = fixture();
const { alpha } = f.workspaceA.tenants;
const secret = () => ({ value: "s3cret-value", expiresAt: new Date(Date.now() + 100 * 86_400_000).toISOString() });

test("[SECURITY] an app's authority or token endpoint can't be javascript:, data:, http: or another host", async () => {
  const owner = await apiAs(f.users.owner);
  const create = (o: Record<string, string>) =>
    owner.post("/api/apps", {
      data: {
        tenantId: alpha,
        displayName: "Hostile",
        clientId: randomUUID(),
        kind: "single_tenant",
        scopeProfile: "imap_smtp",
        secret: secret(),
        ...o,
      },
    });
  for (const [field, value] of [
    ["authorityOverride", "javascript:alert(document.cookie)//"],
    ["authorityOverride", "https://login.microsoftonline.com.evil.test/common"],
    ["authorityOverride", "https://user:pw@login.microsoftonline.com/common"],
    ["tokenEndpointOverride", 'data:application/json,{"access_token":"x","token_type":"Bearer","expires_in":3600}'],
    ["tokenEndpointOverride", "http://login.microsoftonline.com/common/oauth2/v2.0/token"],
    ["tokenEndpointOverride", "https://evil.test/common/oauth2/v2.0/token"],
  ]) {
    const res = await create({ [field]: value });
    expect(res.status(), `${field}=${value}`).toBe(400);
    const body = await res.json();
    expect(body.error.fields?.[field] ?? body.error.message).toBeTruthy();
  }
  const patch = await owner.patch(`/api/apps/${f.objects.alpha.app}`, { data: { authorityOverride: "javascript:alert(1)//" } });
  expect(patch.status()).toBe(400);
});

test("[SECURITY] pages run scripts only with the request's nonce, and pin https with HSTS", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => m.text().includes("Content Security Policy") && violations.push(m.text()));
  const a = (await page.goto("/login"))!.headers();
  const b = (await page.request.get("/login")).headers();
  const scriptSrc = (h: Record<string, string>) =>
    h["content-security-policy"]
      .split(";")
      .map((d) => d.trim())
      .find((d) => d.startsWith("script-src"))!;
  expect(scriptSrc(a)).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'$/);
  expect(scriptSrc(a)).not.toContain("unsafe-inline");
  expect(scriptSrc(a)).not.toBe(scriptSrc(b)); // a fresh nonce per request
  expect(a["strict-transport-security"]).toMatch(/max-age=\d+/);
  // The app still hydrates and works under the policy.
  await signIn(page, f.users.owner);
  await page.goto(`/tenants/${alpha}`);
  await expect(page.getByText("Alpha Corp").first()).toBeVisible();
  expect(violations).toEqual([]);
});
