// Login hosts for staff SSO per cloud (lib/microsoft/clouds.ts holds the full table for mailboxes).
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
