import "server-only";
import { db } from "../db/client";
import type { TScope } from "../auth/session";
import { appWhere } from "./app-access";
import { appSelect, toAppDto } from "./app-dto";

export async function getApp(opts: { workspaceId: string; appId: string; scope: Pick<TScope, "hasAllTenants" | "tenantIds"> }) {
  const row = await db().appRegistration.findFirst({
    where: { AND: [{ id: opts.appId }, appWhere(opts.workspaceId, opts.scope)] },
    select: appSelect,
  });
  return row ? toAppDto(row) : null;
}
