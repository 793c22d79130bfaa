// next-auth's sign-in, callback, session and sign-out endpoints.
import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/options";
import { errorResponse } from "@/lib/http/route";
import { readBodyLimited } from "@/lib/http/read-body";
import { badRequest } from "@/lib/core/errors";

// Sign-in forms are tiny; next-auth would buffer any body whole, so it gets a bounded copy.
const MAX_AUTH_BODY = 16 * 1024;

const handler = async (req: NextRequest, ctx: unknown) => {
  if (req.method === "POST") {
    try {
      const body = await readBodyLimited(req, MAX_AUTH_BODY);
      // next-auth's own req.json() would throw a 500 on a broken JSON body.
      if ((req.headers.get("content-type") ?? "").includes("application/json")) {
        try {
          JSON.parse(body.toString("utf8"));
        } catch {
          throw badRequest("The request body is not valid JSON.");
        }
      }
      req = new NextRequest(req.url, { method: "POST", headers: req.headers, body: new Uint8Array(body) });
    } catch (err) {
      return errorResponse(err);
    }
  }
  return NextAuth(authOptions())(req, ctx);
};
export { handler as GET, handler as POST };
