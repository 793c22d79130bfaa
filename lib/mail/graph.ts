// The Graph transport: Microsoft's Graph SDK pointed at a cloud's Graph host with an access token
// (every Graph client the product creates is made here), and its errors as normalized failures.
import { Client as GraphClient } from "@microsoft/microsoft-graph-client";
import { failureFromGraphResponse, failureFromNetworkError, type TMicrosoftFailure } from "../microsoft/parse-error";

export { ResponseType as GraphResponseType } from "@microsoft/microsoft-graph-client";

export function graphClient(graphUrl: string, accessToken: string) {
  // The SDK sends the token only to hosts it knows as Graph's: national clouds and the sandbox
  // are named through customHosts.
  return GraphClient.init({ baseUrl: `${graphUrl.replace(/\/$/, "")}/`, defaultVersion: "v1.0", customHosts: new Set([new URL(graphUrl).hostname]), authProvider: (cb) => cb(null, accessToken) });
}

export function graphFailure(err: unknown): TMicrosoftFailure {
  const e = err as { statusCode?: number; code?: string; message?: string; headers?: Headers };
  if (typeof e.statusCode === "number" && e.statusCode > 0) return failureFromGraphResponse(e.statusCode, { error: { code: e.code, message: e.message } }, { "retry-after": e.headers?.get?.("retry-after") ?? null });
  return failureFromNetworkError(err);
}
