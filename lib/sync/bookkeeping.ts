// The pure bookkeeping of a sync round, with no I/O so it is unit-tested without a sandbox: the
// sync state kept on the mailbox (UIDVALIDITY/UID cursor, Graph delta link, progress, failures),
// the incoming message built from a raw source or an IMAP fetch or a Graph message, where a round
// resumes, and when the next one runs.
import type { FetchMessageObject } from "imapflow";
import type { TCloud } from "../microsoft/clouds";
import type { TMicrosoftFailure } from "../microsoft/parse-error";

export type TSyncState = {
  imap?: { folder: string; uidValidity: string; lastUid: number };
  graph?: { folder: string; deltaLink: string | null };
  progress?: { done: number; total: number; startedAt: string; finishedAt?: string };
  failures?: number;
};
export type TSyncResult = { ok: true; stored: number; skipped: number } | { ok: false; code: string; transient: boolean };
export type TCtx = { workspaceId: string; tenantId: string; mailboxId: string };
export type TMailboxRow = { address: string; kind: "user" | "shared"; inbound: string; folder: string; afterProcessing: string; moveToFolder: string | null; syncState: TSyncState; cloud: TCloud };
export type TIncoming = { sourceKey: string; raw: Buffer; internetMessageId: string | null; fromAddress: string | null; subject: string | null; receivedAt: Date };
/** What a reader reports: done (or stopped on a lost lease), or the failure to diagnose. */
export type TOutcome = { ok: true } | { ok: false; failure: TMicrosoftFailure };
export type TGraphMessage = { id: string; subject?: string; internetMessageId?: string; receivedDateTime?: string; from?: { emailAddress?: { address?: string } }; "@removed"?: unknown };

export const BATCH = 100;
export const SYNC_INTERVAL_MS = 60_000;

/** When to try again: the normal interval after success, exponential backoff after failures. */
export function nextSyncDelayMs(result: TSyncResult, failures: number): number {
  if (result.ok) return SYNC_INTERVAL_MS;
  const base = result.transient ? 30_000 : 15 * 60_000;
  return Math.min(base * 2 ** Math.max(0, failures - 1), 60 * 60_000);
}

/** Where an IMAP round resumes: after the last UID stored, unless the folder or its UIDVALIDITY
 *  changed. A new UIDVALIDITY means the old UIDs mean nothing: start over (Message-IDs prevent
 *  duplicates). */
export function imapResumeUid(prev: TSyncState["imap"], folder: string, uidValidity: string): number {
  return prev && prev.folder === folder && prev.uidValidity === uidValidity ? prev.lastUid : 0;
}

/** The UIDs a search returned that are new, in order. */
export function newUids(found: number[] | false | undefined, lastUid: number): number[] {
  return (Array.isArray(found) ? found : []).filter((u) => u > lastUid).sort((a, b) => a - b);
}

/** The Graph delta link to resume from: none after a folder change (a full read follows). */
export function graphResumeLink(prev: TSyncState["graph"], folder: string): string | null {
  return prev && prev.folder === folder ? prev.deltaLink : null;
}

/** The delta token expired or was reset: Graph wants one full resync. */
export function isDeltaExpired(f: TMicrosoftFailure): boolean {
  return f.status === 410 || f.graphCode === "syncStateNotFound" || f.graphCode === "resyncRequired";
}

/** The Graph folder segment: the well-known name for the Inbox, else the folder's id, escaped. */
export const graphFolderSegment = (folder: string) => (folder.toUpperCase() === "INBOX" ? "inbox" : encodeURIComponent(folder));

export const popSourceKey = (uid: string) => `pop:${uid}`;

/** Headers a POP3 message carries, read from the raw source (POP has no ENVELOPE). */
export function incomingFromRaw(sourceKey: string, raw: Buffer): TIncoming {
  const head = raw.subarray(0, Math.max(0, raw.indexOf("\r\n\r\n"))).toString("utf8").replace(/\r\n[ \t]+/g, " ");
  const h = (name: string) => head.match(new RegExp(`^${name}:\\s*(.*)$`, "im"))?.[1]?.trim() ?? null;
  const from = h("from");
  const date = h("date");
  const received = date ? new Date(date) : new Date();
  return { sourceKey, raw, internetMessageId: h("message-id"), fromAddress: from?.match(/<([^>]+)>/)?.[1] ?? from?.match(/[^\s<>"]+@[^\s<>"]+/)?.[0] ?? null, subject: h("subject"), receivedAt: isNaN(received.getTime()) ? new Date() : received };
}

export function incomingFromImap(uidValidity: string, m: FetchMessageObject): TIncoming {
  const from = m.envelope?.from?.[0]?.address ?? null;
  return { sourceKey: `imap:${uidValidity}:${m.uid}`, raw: m.source ?? Buffer.alloc(0), internetMessageId: m.envelope?.messageId ?? null, fromAddress: from, subject: m.envelope?.subject ?? null, receivedAt: m.internalDate ? new Date(m.internalDate) : new Date() };
}

export function incomingFromGraph(m: TGraphMessage, raw: Buffer): TIncoming {
  return { sourceKey: `graph:${m.id}`, raw, internetMessageId: m.internetMessageId ?? null, fromAddress: m.from?.emailAddress?.address ?? null, subject: m.subject ?? null, receivedAt: m.receivedDateTime ? new Date(m.receivedDateTime) : new Date() };
}
