// The REST API's OpenAPI document (public: it describes, it grants nothing).
import { NextResponse } from "next/server";
import { env } from "@/lib/env";
import { openApiDocument } from "@/lib/api-v1/openapi";

export function GET() {
  return NextResponse.json(openApiDocument(env().CONSENTRY_PUBLIC_URL.replace(/\/$/, "")));
}
