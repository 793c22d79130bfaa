// Graph's response conventions: request-id / client-request-id headers and the error envelope
// {error:{code,message,innerError:{date,request-id,client-request-id}}}, with innerError.date in
// UTC without a zone suffix ("2022-04-24T12:48:07"), as Graph sends it (sandbox/FIDELITY.md).
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Principal } from "./graph-auth";

export type GraphReq = {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  base: string; // https://host:port/v1.0
  requestId: string;
  clientRequestId: string;
  body: Buffer;
  now: Date;
  preferText?: boolean; // Prefer: outlook.body-content-type="text"
  principal?: Principal; // a request inside a batch: the batch's own bearer token, checked once
};

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly inner: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const AUTH_CHALLENGE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

export const errors = {
  accessDenied: () => new GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."),
  notFound: () =>
    new GraphError(
      404,
      "ErrorItemNotFound",
      "The specified object was not found in the store., The process failed to get the correct properties.",
    ),
  invalidUser: (id: string) => new GraphError(404, "ErrorInvalidUser", `The requested user '${id}' is invalid.`),
  notEnabled: () =>
    new GraphError(404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or is hosted on-premise."),
  resourceNotFound: () => new GraphError(404, "ResourceNotFound", "Resource could not be discovered."),
  /** Directory (user profile) refusals: the caller's token lacks a user permission. */
  insufficientPrivileges: () => new GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."),
  /** The directory has no such user (GET /users/{id} itself, not its mailbox). */
  directoryObjectNotFound: (id: string) =>
    new GraphError(
      404,
      "Request_ResourceNotFound",
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    ),
  /** A path segment Graph's model doesn't have (e.g. /me/mesages). */
  unknownSegment: (segment: string) => new GraphError(400, "BadRequest", `Resource not found for the segment '${segment}'.`),
  badRequest: (msg: string, code = "BadRequest") => new GraphError(400, code, msg),
  token: (msg: string) => new GraphError(401, "InvalidAuthenticationToken", msg, { "WWW-Authenticate": AUTH_CHALLENGE }),
};

export function graphDate(d: Date | number) {
  return new Date(d).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** innerError.date: UTC to the second, without the trailing `Z` ("2022-04-24T12:48:07"). */
export function innerErrorDate(d: Date | number) {
  return new Date(d).toISOString().slice(0, 19);
}

function baseHeaders(g: GraphReq): Record<string, string> {
  return {
    "request-id": g.requestId,
    "client-request-id": g.clientRequestId,
    "x-ms-ags-diagnostic": JSON.stringify({
      ServerInfo: { DataCenter: "West US 2", Slice: "E", Ring: "1", ScaleUnit: "000", RoleInstance: "MW2PEPF0000B3C1" },
    }),
    "Strict-Transport-Security": "max-age=31536000",
  };
}

function htmlToText(html: string) {
  return html
    .replace(/<(br|\/p|\/div|\/tr|\/h\d)\s*\/?>/gi, "\r\n")
    .replace(/<style[\s\S]*?<\/style>/gi, "")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .trim();
}

/** Applies Prefer: outlook.body-content-type="text" to message bodies in a response. */
function asTextBodies(body: unknown) {
  const fix = (m: unknown) => {
    const b = (m as { body?: { contentType: string; content: string } } | null)?.body;
    if (b && b.contentType === "html") {
      b.contentType = "text";
      b.content = htmlToText(b.content);
    }
  };
  fix(body);
  const list = (body as { value?: unknown[] } | null)?.value;
  if (Array.isArray(list)) list.forEach(fix);
}

export function sendJson(g: GraphReq, status: number, body: unknown, headersIn: Record<string, string> = {}) {
  const headers = { ...headersIn };
  if (g.preferText && body && status < 300) {
    asTextBodies(body);
    headers["Preference-Applied"] = [headers["Preference-Applied"], 'outlook.body-content-type="text"'].filter(Boolean).join(", ");
  }
  const text = body === undefined ? "" : JSON.stringify(body);
  g.res.writeHead(status, {
    ...baseHeaders(g),
    ...(body === undefined
      ? {}
      : { "Content-Type": "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8" }),
    ...headers,
  });
  g.res.end(text);
}

export function sendRaw(g: GraphReq, status: number, body: Buffer | string, contentType: string) {
  g.res.writeHead(status, { ...baseHeaders(g), "Content-Type": contentType });
  g.res.end(body);
}

export function sendError(g: GraphReq, e: GraphError) {
  sendJson(
    g,
    e.status,
    {
      error: {
        code: e.code,
        message: e.message,
        innerError: { date: innerErrorDate(g.now), "request-id": g.requestId, "client-request-id": g.clientRequestId, ...e.inner },
      },
    },
    e.headers,
  );
}

export function newRequestIds(req: IncomingMessage) {
  const given = req.headers["client-request-id"];
  return { requestId: randomUUID(), clientRequestId: typeof given === "string" && given ? given : randomUUID() };
}

export function json(g: GraphReq): unknown {
  try {
    return JSON.parse(g.body.toString("utf8") || "{}");
  } catch {
    throw errors.badRequest(
      "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
    );
  }
}

/** Normalizes `mailFolders('inbox')` style segments to `mailFolders/inbox`. */
export function segments(pathname: string): string[] {
  const out: string[] = [];
  for (const raw of pathname.split("/").filter(Boolean)) {
    const m = /^([A-Za-z]+)\('([^']*)'\)$/.exec(decodeURIComponent(raw));
    if (m) out.push(m[1], m[2]);
    else out.push(decodeURIComponent(raw));
  }
  return out;
}
