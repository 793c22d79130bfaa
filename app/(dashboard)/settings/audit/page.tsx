import { requirePageScope } from "@/lib/auth/session";
import { AuditClient } from "./audit-client";

export const metadata = { title: "Audit log" };

export default async function AuditPage() {
  await requirePageScope();
  return <AuditClient />;
}
