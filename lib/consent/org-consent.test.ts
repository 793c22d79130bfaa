// The migration that moved organization consent from the tenant to each app: a tenant's recorded
// consent becomes the record of the app its completed admin round trip named; apps that never
// had one stay without. Runs the migration's own INSERT against rows shaped like before.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { getOrgConsent } from "./org-consent";

const MIGRATION = path.join(process.cwd(), "prisma/migrations/20261130140100_org_consent_sign_in_name/migration.sql");

describe("migrating Tenant.adminConsent* to per-app records", () => {
  it("copies a tenant's consent to the app its admin round trip named, and to no other app", async () => {
    const ws = await db().workspace.create({ data: { name: "Migration", slug: `mig-${randomUUID()}` } });
    const directoryId = randomUUID();
    const tenant = await db().tenant.create({
      data: {
        workspaceId: ws.id,
        displayName: "Old tenant",
        directoryId,
        adminConsentAt: new Date("2026-01-02T03:04:05Z"),
        adminConsentBy: "tech@msp.test",
        adminConsentScopes: ["https://outlook.office.com/IMAP.AccessAsUser.All"],
        adminConsentTenantId: directoryId,
      },
    });
    const appA = await db().appRegistration.create({
      data: { workspaceId: ws.id, tenantId: tenant.id, displayName: "A", clientId: randomUUID() },
    });
    const appB = await db().appRegistration.create({
      data: { workspaceId: ws.id, tenantId: tenant.id, displayName: "B", clientId: randomUUID() },
    });
    for (const [at, scopes] of [
      [new Date("2025-12-01T00:00:00Z"), ["old"]],
      [new Date("2026-01-02T03:04:05Z"), ["https://outlook.office.com/IMAP.AccessAsUser.All"]],
    ] as const)
      await db().consentRequest.create({
        data: {
          workspaceId: ws.id,
          tenantId: tenant.id,
          appRegistrationId: appA.id,
          kind: "admin",
          status: "completed",
          resultCode: "admin_consent_granted",
          resultDetail: { scopes: [...scopes], returnedTenantId: directoryId },
          expiresAt: at,
          usedAt: at,
        },
      });
    // A failed attempt for app B is no consent.
    await db().consentRequest.create({
      data: { workspaceId: ws.id, tenantId: tenant.id, appRegistrationId: appB.id, kind: "admin", status: "failed", expiresAt: new Date() },
    });
    const insert = readFileSync(MIGRATION, "utf8").slice(readFileSync(MIGRATION, "utf8").indexOf("INSERT INTO"));
    await db().$executeRawUnsafe(
      insert.replace(/;\s*$/, "").replace('WHERE cr."kind"', `WHERE cr."tenantId" = '${tenant.id}' AND cr."kind"`),
    );
    const a = await getOrgConsent({ workspaceId: ws.id, tenantId: tenant.id, appRegistrationId: appA.id });
    expect(a).toMatchObject({
      consentedAt: new Date("2026-01-02T03:04:05Z"), // the latest round trip
      verifiedBy: "migrated",
      scopes: ["https://outlook.office.com/IMAP.AccessAsUser.All"],
      directoryId,
      recordedBy: "tech@msp.test",
      adminUpn: null,
    });
    expect(await getOrgConsent({ workspaceId: ws.id, tenantId: tenant.id, appRegistrationId: appB.id })).toBeNull();
  });
});
