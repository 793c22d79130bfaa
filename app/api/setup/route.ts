// First-run owner bootstrap: only answers while no staff account exists.
import { NextResponse } from "next/server";
import { publicRoute } from "@/lib/http/route";
import { bootstrapOwner, needsSetup } from "@/lib/staff/bootstrap-owner";
import { ZSetup } from "@/lib/staff/schemas";

export const GET = publicRoute({}, async () => ({ needsSetup: await needsSetup() }));

export const POST = publicRoute({ body: ZSetup }, async ({ body }) => {
  await bootstrapOwner(body);
  return NextResponse.json({ ok: true }, { status: 201 });
});
