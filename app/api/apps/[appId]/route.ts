// One app registration: read, edit, delete. Secrets are never returned, only last-4 and expiry.
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { notFound } from "@/lib/core/errors";
import { getApp } from "@/lib/apps/get-app";
import { deleteApp, updateApp } from "@/lib/apps/update-app";
import { ZAppUpdate } from "@/lib/apps/schemas";

const params = z.object({ appId: ZId });

export const GET = route({ params }, async ({ scope, params: p }) => {
  const app = await getApp({ workspaceId: scope.workspaceId, appId: p.appId, scope });
  if (!app) throw notFound("App registration");
  return { app };
});

export const PATCH = route({ params, body: ZAppUpdate }, async ({ scope, params: p, body }) => {
  if (!(await getApp({ workspaceId: scope.workspaceId, appId: p.appId, scope }))) throw notFound("App registration");
  assertCan(scope, "manage_apps");
  return { app: await updateApp({ workspaceId: scope.workspaceId, appId: p.appId, scope, actor: auditActor(scope), input: body }) };
});

export const DELETE = route({ params }, async ({ scope, params: p }) => {
  if (!(await getApp({ workspaceId: scope.workspaceId, appId: p.appId, scope }))) throw notFound("App registration");
  assertCan(scope, "manage_apps");
  await deleteApp({ workspaceId: scope.workspaceId, appId: p.appId, scope, actor: auditActor(scope) });
  return new NextResponse(null, { status: 204 });
});
