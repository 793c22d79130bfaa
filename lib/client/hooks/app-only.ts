// An app-only mailbox's checklist (its steps' last results, the PowerShell, the app token panel).
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "../api-client";
import { mailboxKeys } from "../query-keys";
import type { TJson } from "../json";
import type { TAppOnlyChecklist as TServerChecklist } from "@/lib/checks/app-only-checklist";
import type { TQueryOpts } from "./query-options";

export type TAppOnlyChecklist = TJson<TServerChecklist>;

export const useAppOnlyChecklist = (tenantId: string, mailboxId: string, opts?: TQueryOpts<{ checklist: TAppOnlyChecklist }>) =>
  useQuery({
    queryKey: mailboxKeys.appOnly(tenantId, mailboxId),
    queryFn: () => apiFetch<{ checklist: TAppOnlyChecklist }>(`/api/tenants/${tenantId}/mailboxes/${mailboxId}/app-only`),
    ...opts,
  });
