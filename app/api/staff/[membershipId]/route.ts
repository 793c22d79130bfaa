// Change or remove a staff member's membership (owners and admins).
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan } from "@/lib/auth/guard";
import { removeStaff, updateStaff } from "@/lib/staff/manage-staff";
import { ZStaffUpdate } from "@/lib/staff/schemas";

const params = z.object({ membershipId: ZId });

export const PATCH = route({ params, body: ZStaffUpdate }, async ({ scope, params: p, body }) => {
  assertCan(scope, "manage_staff");
  await updateStaff({ scope, membershipId: p.membershipId, input: body });
  return { ok: true };
});

export const DELETE = route({ params }, async ({ scope, params: p }) => {
  assertCan(scope, "manage_staff");
  await removeStaff({ scope, membershipId: p.membershipId });
  return new NextResponse(null, { status: 204 });
});
