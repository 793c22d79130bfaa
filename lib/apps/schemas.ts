// App registration input shapes, shared by the form and the route handlers.
import { z } from "zod";
import { GUID_RE } from "../tenants/schemas";
import { checkEndpointShape, type TEndpointKind } from "../microsoft/trusted-endpoint";

export const ZScopeProfile = z.enum(["imap_smtp", "pop_smtp", "graph", "graph_app_only", "exchange_app_only"]);
export const ZPrompt = z.enum(["select_account", "consent", "login", "none"]);

const MAX_SECRET_MONTHS = 24;

// zod's .url() accepts javascript: and data:; these take only an https URL of the expected shape.
// The server also checks the host against the tenant's cloud (lib/apps/override-hosts.ts).
const endpointOverride = (kind: TEndpointKind) =>
  z
    .string()
    .trim()
    .max(500)
    .superRefine((v, ctx) => {
      const c = checkEndpointShape(v, kind);
      if (!c.ok) ctx.addIssue({ code: "custom", message: c.reason });
    });

export const ZSecretInput = z.object({
  value: z.string().trim().min(1, "Paste the client secret value.").max(512, "That is longer than any Azure client secret."),
  expiresAt: z.coerce
    .date({ message: "Enter the secret's expiry date." })
    .refine((d) => d.getTime() > Date.now() - 86_400_000 * 365 * 5, "Enter a real expiry date.")
    .refine((d) => d.getTime() < Date.now() + 86_400_000 * 31 * (MAX_SECRET_MONTHS + 1), "Azure client secrets last at most 24 months."),
});

export const ZAppCreate = z
  .object({
    tenantId: z.string().uuid().nullable(),
    displayName: z.string().trim().min(1, "Name the app registration.").max(120),
    clientId: z
      .string()
      .trim()
      .regex(GUID_RE, "The Application (client) ID is a GUID from the app's Overview page.")
      .transform((v) => v.toLowerCase()),
    kind: z.enum(["single_tenant", "multi_tenant"]),
    scopeProfile: ZScopeProfile,
    defaultPrompt: ZPrompt.default("select_account"),
    authorityOverride: endpointOverride("authority").nullish(),
    tokenEndpointOverride: endpointOverride("token").nullish(),
    secret: ZSecretInput,
  })
  .strict()
  .refine((a) => a.kind === "multi_tenant" || a.tenantId, { message: "A single-tenant app belongs to a tenant.", path: ["tenantId"] });

export const ZAppUpdate = z
  .object({
    displayName: z.string().trim().min(1).max(120),
    scopeProfile: ZScopeProfile,
    defaultPrompt: ZPrompt,
    authorityOverride: endpointOverride("authority").nullable(),
    tokenEndpointOverride: endpointOverride("token").nullable(),
    // A new scope profile on an app that mailboxes use asks their users for other permissions at
    // the next consent: the request must say it means that.
    confirmProfileChange: z.boolean(),
  })
  .partial()
  .strict();

export type TAppCreate = z.infer<typeof ZAppCreate>;
export type TAppUpdate = z.infer<typeof ZAppUpdate>;
