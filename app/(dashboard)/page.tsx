// Overview: the MSP's whole estate at a glance.
import { requirePageScope } from "@/lib/auth/session";
import { OverviewClient } from "./overview-client";

export const metadata = { title: "Overview" };

export default async function OverviewPage() {
  const scope = await requirePageScope();
  return <OverviewClient canAddTenant={scope.role === "owner" || scope.role === "admin"} />;
}
