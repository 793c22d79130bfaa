import "server-only";
// One lookup per request, shared by the layout (which explains a dead link) and the page.
import { cache } from "react";
import { resolveConsentLink } from "@/lib/consent/consent-links";

export const resolveConsentLinkOnce = cache(resolveConsentLink);

export const CONSENT_LINK_DEAD: Record<string, { title: string; body: string }> = {
  invalid: { title: "This link isn't valid", body: "The link is incomplete or was changed. Ask your IT provider to send you a new one." },
  expired: { title: "This link has expired", body: "Consent links work for a limited time. Ask your IT provider to send you a new one." },
  used: {
    title: "This link was already used",
    body: "Access was granted with this link. Nothing more to do. If something isn't working, ask your IT provider for a new link.",
  },
  revoked: {
    title: "This link was withdrawn",
    body: "Your IT provider cancelled this request. Ask them for a new link if you still need to grant access.",
  },
  unusable: {
    title: "This link can't be used yet",
    body: "It doesn't say which account must sign in (the shared mailbox has no delegate on file). Ask your IT provider to fill in the delegate and send you a new link.",
  },
};
