// What the e2e harness seeds, shared by the specs (read from .data/e2e/fixture.json).
import { readFileSync } from "node:fs";
import path from "node:path";

export type TE2eFixture = {
  baseUrl: string;
  password: string;
  databaseUrl: string;
  workspaceA: { id: string; tenants: { alpha: string; beta: string } };
  workspaceB: { id: string; tenants: { gamma: string } };
  users: { owner: string; admin: string; tech: string; support: string; otherOwner: string; limitedAdmin: string; limitedOwner: string };
  sandboxObjects: Record<"contoso" | "fabrikam", { tenant: string; app: string; helpdesk: string }>;
  objects: Record<"alpha" | "beta" | "gamma", { app: string; mailbox: string }>;
  sandbox: { loginUrl: string; caPath: string } | null;
  /** Objects wider than a tenant-limited caller, and their like in the other workspace. */
  scoped: {
    mspApp: string;
    allWebhook: string;
    ownerKey: string;
    /** An all-tenant admin only the every-route suite touches. */
    wideStaff: string;
    /** Workspace A's membership ids by email. */
    memberships: Record<string, string>;
  } & Record<"beta" | "gamma", { webhook: string; delivery: string; apiKey: string; staff: string; statusLink: string; outbound: string }>;
  /** The web server's pid (for memory checks), written once it is up. */
  webPid?: number;
};

export const FIXTURE_PATH = path.resolve(".data/e2e/fixture.json");

export function fixture(): TE2eFixture {
  return JSON.parse(readFileSync(FIXTURE_PATH, "utf8")) as TE2eFixture;
}
