import "server-only";
// The one decision on whether a URL is a Microsoft endpoint Consentry may call or send a browser
// to, for a tenant's cloud. Token requests, secret checks, sign-in URLs and override validation
// all go through trustedMicrosoftUrl; the Sandbox cloud counts only while SANDBOX_ENABLED is on.
import { env } from "../env";
import { badRequest } from "../core/errors";
import type { TCloud } from "./clouds";
import { checkMicrosoftEndpoint, type TEndpointCheck, type TEndpointKind } from "./trusted-endpoint";
import { hostsFor } from "./hosts-for";

const CLOUDS: TCloud[] = ["global", "usgov", "china", "sandbox"];

export function sandboxEnabled(): boolean {
  return env().SANDBOX_ENABLED;
}

/** The clouds this process may use: the sandbox only while it is enabled. */
export function enabledClouds(): TCloud[] {
  return sandboxEnabled() ? CLOUDS : CLOUDS.filter((c) => c !== "sandbox");
}

/** Login origins of one cloud, or of every enabled cloud (null: an app that serves several). */
export function loginOriginsFor(cloud: TCloud | null): string[] {
  const clouds = cloud ? enabledClouds().filter((c) => c === cloud) : enabledClouds();
  return clouds.map((c) => new URL(hostsFor(c).loginUrl).origin);
}

export function trustedMicrosoftUrl(raw: string, cloud: TCloud | null, kind: TEndpointKind): TEndpointCheck {
  return checkMicrosoftEndpoint(raw, kind, loginOriginsFor(cloud));
}

/** For URL builders: anything off the list is a bug or an attack, never a URL to use. */
export function assertTrustedMicrosoftUrl(raw: string, cloud: TCloud | null, kind: TEndpointKind): string {
  const c = trustedMicrosoftUrl(raw, cloud, kind);
  if (!c.ok) throw badRequest(`Refused a Microsoft endpoint that isn't on the ${cloud ?? "enabled"} cloud's host list: ${c.reason}`);
  return c.url.toString();
}

/** Refuses the Sandbox cloud (400) unless the sandbox is enabled. */
export function assertCloudEnabled(cloud: TCloud | undefined, field = "cloud") {
  if (cloud === "sandbox" && !sandboxEnabled()) {
    throw badRequest("The Sandbox cloud is turned off on this server (SANDBOX_ENABLED is not set).", {
      [field]: "The Sandbox cloud is turned off on this server.",
    });
  }
}
