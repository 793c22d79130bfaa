// Login hosts for staff SSO per cloud (lib/microsoft/clouds.ts holds the full table for mailboxes).
import { log } from "../log/logger";
export function cloudLoginBase(cloud: "global" | "usgov" | "china" | "sandbox", sandboxLoginUrl: string): string {
  switch (cloud) {
    case "usgov":
      return "https://login.microsoftonline.us";
    case "china":
      return "https://login.partner.microsoftonline.cn";
    case "sandbox":
      return sandboxLoginUrl.replace(/\/$/, "");
    default:
      return "https://login.microsoftonline.com";
  }
}

let warned = false;

/** Staff SSO against the sandbox's fake Microsoft is allowed only while SANDBOX_ENABLED is on. */
export function entraCloudAllowed(e: { AUTH_ENTRA_CLOUD: string; SANDBOX_ENABLED: boolean }): boolean {
  if (e.AUTH_ENTRA_CLOUD !== "sandbox" || e.SANDBOX_ENABLED) return true;
  if (!warned) log.warn("AUTH_ENTRA_CLOUD=sandbox but SANDBOX_ENABLED is off: Microsoft sign-in is turned off.");
  warned = true;
  return false;
}
