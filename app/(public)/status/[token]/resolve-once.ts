import "server-only";
// One lookup per request (it records the view), shared by the layout and the page.
import { cache } from "react";
import { resolveStatusLink } from "@/lib/status/status-links";

export const resolveStatusLinkOnce = cache(resolveStatusLink);

export const STATUS_LINK_DEAD: Record<string, { title: string; body: string }> = {
  invalid: { title: "This link isn't valid", body: "The link is incomplete or was changed. Ask your IT provider for a new one." },
  expired: { title: "This status link has expired", body: "Status links work for a limited time. Ask your IT provider for a new one." },
  revoked: { title: "This status link was withdrawn", body: "Your IT provider turned this link off. Ask them for a new one." },
};
