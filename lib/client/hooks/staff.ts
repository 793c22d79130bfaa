// Workspace staff.
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "../api-client";
import { staffKeys } from "../query-keys";
import type { TStaff } from "../wire-types";
import type { TQueryOpts } from "./query-options";

export const useStaff = (opts?: TQueryOpts<{ staff: TStaff[] }>) =>
  useQuery({ queryKey: staffKeys.list(), queryFn: () => apiFetch<{ staff: TStaff[] }>("/api/staff"), ...opts });
