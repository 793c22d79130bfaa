import { z } from "zod";

export const ZRole = z.enum(["owner", "admin", "technician", "support"]);

export const ZStaffCreate = z
  .object({
    email: z.string().trim().toLowerCase().email("Enter a valid email address.").max(254),
    name: z.string().trim().min(1, "Enter a name.").max(120),
    role: ZRole,
    password: z.string().min(12, "Use at least 12 characters.").max(256),
    // Required: a missing field must never mean "every tenant".
    hasAllTenants: z.boolean({ error: "Choose all tenants or pick tenants." }),
    tenantIds: z.array(z.string().uuid()).max(500).default([]),
  })
  .strict();

export const ZStaffUpdate = z
  .object({
    role: ZRole.optional(),
    hasAllTenants: z.boolean().optional(),
    tenantIds: z.array(z.string().uuid()).max(500).optional(),
    isDisabled: z.boolean().optional(),
  })
  .strict();

export const ZSetup = z
  .object({
    workspaceName: z.string().trim().min(1, "Name your workspace.").max(120),
    email: z.string().trim().toLowerCase().email("Enter a valid email address.").max(254),
    name: z.string().trim().min(1, "Enter your name.").max(120),
    password: z.string().min(12, "Use at least 12 characters.").max(256),
  })
  .strict();

export type TStaffCreate = z.infer<typeof ZStaffCreate>;
export type TStaffUpdate = z.infer<typeof ZStaffUpdate>;
