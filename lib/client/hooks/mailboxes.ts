// Mailboxes: a tenant's list, every visible one a page at a time (health), one mailbox's page data, its messages and
// outbox, and the health trend.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiFetch } from "../api-client";
import { mailboxKeys, outboundKeys } from "../query-keys";
import type { THealthDay, TMailbox, TMailboxDetail, TMailboxPage, TMessageRow, TOutbound } from "../wire-types";
import type { TQueryOpts } from "./query-options";

export const useMailboxes = (tenantId: string, opts?: TQueryOpts<{ mailboxes: TMailbox[] }>) =>
  useQuery({
    queryKey: mailboxKeys.list(tenantId),
    queryFn: () => apiFetch<{ mailboxes: TMailbox[] }>(`/api/tenants/${tenantId}/mailboxes`),
    ...opts,
  });

/** One page of every visible mailbox (health), filtered and sorted by the server: `search` is the
 *  query string (the page's own URL search params), part of the key; the last page stays on
 *  screen while the next loads. */
export const useMailboxPage = (search: string, opts?: TQueryOpts<TMailboxPage>) =>
  useQuery({
    queryKey: mailboxKeys.page(search),
    queryFn: () => apiFetch<TMailboxPage>(`/api/mailboxes${search ? `?${search}` : ""}`),
    placeholderData: keepPreviousData,
    ...opts,
  });

export const useMailboxTrend = (opts?: TQueryOpts<{ days: THealthDay[] }>) =>
  useQuery({ queryKey: mailboxKeys.trend(), queryFn: () => apiFetch<{ days: THealthDay[] }>("/api/mailboxes/trend?days=30"), ...opts });

export const useMailbox = (tenantId: string, mailboxId: string, opts?: TQueryOpts<TMailboxDetail>) =>
  useQuery({
    queryKey: mailboxKeys.detail(tenantId, mailboxId),
    queryFn: () => apiFetch<TMailboxDetail>(`/api/tenants/${tenantId}/mailboxes/${mailboxId}`),
    ...opts,
  });

type TMessages = { messages: TMessageRow[]; total: number };
export const useMailboxMessages = (tenantId: string, mailboxId: string, q: string, opts?: TQueryOpts<TMessages>) =>
  useQuery({
    queryKey: mailboxKeys.messages(tenantId, mailboxId, q),
    queryFn: () =>
      apiFetch<TMessages>(`/api/tenants/${tenantId}/mailboxes/${mailboxId}/messages?limit=25${q ? `&q=${encodeURIComponent(q)}` : ""}`),
    ...opts,
  });

type TOutbox = { messages: TOutbound[]; counts: Record<string, number> };
export const useOutbox = (tenantId: string, mailboxId: string, filter: string, opts?: TQueryOpts<TOutbox>) =>
  useQuery({
    queryKey: outboundKeys.filtered(mailboxId, filter),
    queryFn: () => apiFetch<TOutbox>(`/api/tenants/${tenantId}/mailboxes/${mailboxId}/outbound${filter ? `?status=${filter}` : ""}`),
    ...opts,
  });
