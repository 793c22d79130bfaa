// Staff of the workspace: everyone may list; owners and admins add.
import { NextResponse } from "next/server";
import { route } from "@/lib/http/route";
import { assertCan } from "@/lib/auth/guard";
import { listStaff } from "@/lib/staff/list-staff";
import { createStaff } from "@/lib/staff/manage-staff";
import { ZStaffCreate } from "@/lib/staff/schemas";

export const GET = route({}, async ({ scope }) => ({ staff: await listStaff({ workspaceId: scope.workspaceId, scope }) }));

export const POST = route({ body: ZStaffCreate }, async ({ scope, body }) => {
  assertCan(scope, "manage_staff");
  return NextResponse.json(await createStaff({ scope, input: body }), { status: 201 });
});
