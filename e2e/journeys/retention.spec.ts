// [RETENTION] An admin sees what pulled mail is stored and sets how long its content is kept;
// support can't change it.
import { expect, test } from "@playwright/test";
import { apiAs } from "../support/api-session";
import { fixture } from "../support/fixture";
import { signIn } from "../support/ui-session";

const f = fixture();

test("[RETENTION] an admin sets how long message content is kept", async ({ page }) => {
  await signIn(page, f.users.admin);
  await page.getByRole("link", { name: "Data retention" }).click();
  await expect(page.getByTestId("storage-stats")).toContainText("Messages pulled");
  await page.getByLabel("Keep message content for").selectOption("90");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Retention saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Keep message content for")).toHaveValue("90");
  const support = await apiAs(f.users.support);
  expect((await support.put("/api/settings/retention", { data: { messageRetentionDays: null } })).status()).toBe(403);
  const admin = await apiAs(f.users.admin);
  expect((await admin.put("/api/settings/retention", { data: { messageRetentionDays: 12 } })).status()).toBe(400);
  const { entries } = await (await admin.get("/api/audit?action=settings.retention")).json();
  expect(entries[0]).toMatchObject({ actorEmail: f.users.admin, detail: { messageRetentionDays: 90 } });
});
