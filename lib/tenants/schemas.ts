// Tenant input shapes, shared by the form (client) and the route handlers (server).
import { z } from "zod";

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const DOMAIN_RE = /^(?=.{3,253}$)(?!-)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/i;

export const ZCloud = z.enum(["global", "usgov", "china", "sandbox"]);

// Forms send "" for an empty field: treat it as "not set" so the field's own message shows.
const emptyToNull = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? null : v), schema.nullish());

const fields = {
  displayName: z.string().trim().min(1, "Enter a display name.").max(120, "Keep the name under 120 characters."),
  directoryId: emptyToNull(
    z
      .string()
      .trim()
      .regex(GUID_RE, "A directory (tenant) ID is a GUID like 72f988bf-86f1-41af-91ab-2d7cd011db47.")
      .transform((v) => v.toLowerCase()),
  ),
  primaryDomain: emptyToNull(
    z
      .string()
      .trim()
      .regex(DOMAIN_RE, "Enter a domain like contoso.onmicrosoft.com.")
      .transform((v) => v.toLowerCase()),
  ),
  cloud: ZCloud,
  notes: z.string().max(2000, "Keep notes under 2,000 characters.").optional(),
};

export const ZTenantCreate = z
  .object(fields)
  .strict()
  .refine((t) => !!t.directoryId || !!t.primaryDomain, {
    message: "Enter the directory (tenant) ID or the primary domain.",
    path: ["directoryId"],
  });

export const ZTenantUpdate = z.object(fields).partial().strict();

export type TTenantCreate = z.infer<typeof ZTenantCreate>;
export type TTenantUpdate = z.infer<typeof ZTenantUpdate>;
