import "server-only";
// First run: the very first account becomes the owner of a new workspace. Refused once any
// staff account exists, so the setup page can't be used to take over an instance.
import { db } from "../db/client";
import { hashPassword } from "../auth/password";
import { conflict } from "../core/errors";
import { writeAudit } from "../audit/write-audit";

export async function needsSetup(): Promise<boolean> {
  return (await db().staffUser.count()) === 0;
}

export function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40) || "workspace"
  );
}

export async function bootstrapOwner(input: { workspaceName: string; email: string; name: string; password: string }) {
  const passwordHash = await hashPassword(input.password);
  return db().$transaction(async (tx) => {
    // Serialize concurrent first-run submissions.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(72616002)`;
    if ((await tx.staffUser.count()) > 0) throw conflict("This Consentry instance is already set up. Sign in instead.");
    const ws = await tx.workspace.create({
      data: { name: input.workspaceName, slug: `${slugify(input.workspaceName)}-${Date.now().toString(36)}` },
    });
    const user = await tx.staffUser.create({ data: { email: input.email, name: input.name, passwordHash } });
    await tx.membership.create({ data: { workspaceId: ws.id, staffUserId: user.id, role: "owner" } });
    await writeAudit(
      tx,
      { workspaceId: ws.id, staffUserId: user.id, email: user.email },
      { action: "workspace.create", targetType: "workspace", targetId: ws.id },
    );
    return { workspaceId: ws.id, staffUserId: user.id };
  });
}
