import { requirePageScope } from "@/lib/auth/session";
import { HealthClient } from "./health-client";

export const metadata = { title: "Health" };

export default async function HealthPage() {
  await requirePageScope();
  return <HealthClient />;
}
