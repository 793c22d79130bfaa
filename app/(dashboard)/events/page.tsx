// The event log support reads: every tenant's and mailbox's log lines, a per-day trend, and the
// support bundle export.
import { z } from "zod";
import { requirePageScope } from "@/lib/auth/session";
import { EventsClient } from "./events-client";

export const metadata = { title: "Event log" };

const ZInitial = z.object({
  tenantId: z.string().uuid().optional().catch(undefined),
  mailboxId: z.string().uuid().optional().catch(undefined),
  level: z.enum(["debug", "info", "warn", "error"]).optional().catch(undefined),
});

export default async function EventsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageScope();
  const initial = ZInitial.parse(await searchParams);
  return <EventsClient initial={initial} />;
}
