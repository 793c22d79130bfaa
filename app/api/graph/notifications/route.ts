// Microsoft Graph change notifications (public: Graph calls it). The validation handshake echoes
// the token; notifications are checked by clientState in lib/sync/graph-push.ts.
import { NextResponse, type NextRequest } from "next/server";
import { handleGraphNotification } from "@/lib/sync/graph-push";
import { cleanJsonStrings, readTextLimited } from "@/lib/http/read-body";
import type { HttpError } from "@/lib/core/errors";

export const dynamic = "force-dynamic";
const MAX_BYTES = 1024 * 1024;

const refuse = (status: number, message: string) => NextResponse.json({ error: { code: "bad_request", message } }, { status });

export async function POST(req: NextRequest) {
  const tokens = req.nextUrl.searchParams.getAll("validationToken");
  // Graph sends one token of printable text; a repeated one or a control character isn't Graph.
  if (tokens.length > 1) return refuse(400, "Send one validationToken.");
  if (tokens.length && /[\u0000-\u001f\u007f]/.test(tokens[0])) return refuse(400, "The validationToken contains a control character.");
  const validationToken = tokens[0] ?? null;
  let body: unknown = undefined;
  if (validationToken === null) {
    const text = await readTextLimited(req, MAX_BYTES).catch((e: unknown) => e as HttpError);
    if (typeof text !== "string")
      return NextResponse.json(
        { error: { code: text.code ?? "bad_request", message: text.status === 413 ? "Notification body too large." : "Send UTF-8 JSON." } },
        { status: text.status === 413 ? 413 : 400 },
      );
    try {
      // A NUL in an id would reach PostgreSQL (which refuses it) and look like our failure.
      body = cleanJsonStrings(JSON.parse(text));
    } catch {
      return NextResponse.json({ error: { code: "bad_request", message: "Send JSON." } }, { status: 400 });
    }
  }
  try {
    const r = await handleGraphNotification({ validationToken, body });
    if (r.text !== undefined) return new Response(r.text, { status: r.status, headers: { "content-type": "text/plain; charset=utf-8" } });
    if (r.status >= 400) return refuse(r.status, 'Send Graph change notifications: {"value": [{subscriptionId, clientState, …}]}.');
    return new Response(null, { status: r.status });
  } catch {
    // Graph retries on 5xx; a failure here only delays the sync until the next poll.
    return new Response(null, { status: 500 });
  }
}
