import { requirePageScope } from "@/lib/auth/session";
import { canConnectMailboxes } from "@/lib/auth/permissions";
import { HealthClient } from "./health-client";

export const metadata = { title: "Health" };

export default async function HealthPage() {
  const scope = await requirePageScope();
  return <HealthClient canTest={canConnectMailboxes(scope.role)} />;
}
