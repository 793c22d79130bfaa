// Bulk onboarding: tenants, apps and mailboxes from CSV (staff who can add mailboxes; only an
// all-tenant owner or admin can add tenants, which the dry run says per row).
import { notFound } from "next/navigation";
import { requirePageScope } from "@/lib/auth/session";
import { canConnectMailboxes } from "@/lib/auth/permissions";
import { isWorkspaceWide } from "@/lib/auth/guard";
import { COLUMNS } from "@/lib/onboarding/import";
import { ImportClient } from "./import-client";

export const metadata = { title: "Import from CSV" };

export default async function ImportPage() {
  const scope = await requirePageScope();
  if (!canConnectMailboxes(scope.role)) notFound();
  return <ImportClient columns={[...COLUMNS]} canAddTenants={isWorkspaceWide(scope)} />;
}
