// The pure bookkeeping of a sync round, with no I/O so it is unit-tested without a sandbox: the
// sync state kept on the mailbox (UIDVALIDITY/UID cursor, Graph delta link, progress, failures),
// the incoming message built from a raw source or an IMAP fetch or a Graph message, where a round
// resumes, and when the next one runs; and what keeps hostile mail from stalling a mailbox: header
// text made storable, batches cut by count and bytes, and the note that stands in for content
// Consentry didn't keep.
import type { FetchMessageObject } from "imapflow";
import { cleanText } from "../clean-text";
import { headerSummary } from "./header-summary";
import type { TCloud } from "../microsoft/clouds";
import type { TMicrosoftFailure } from "../microsoft/parse-error";

export type TSyncState = {
  imap?: { folder: string; uidValidity: string; lastUid: number };
  /** `nextLink`: the delta page to continue from after the last stored page of an unfinished round
   *  (a first sync resumes there, not at page 1); `deltaLink` once a round has reached the end. */
  graph?: { folder: string; deltaLink: string | null; nextLink?: string | null };
  progress?: { done: number; total: number; startedAt: string; finishedAt?: string };
  failures?: number;
};
/** `retryAfterSeconds`: the wait Microsoft asked for (Graph 429's Retry-After, Exchange's back-off time). */
/** `resumeAfterSeconds` on success: the round stopped early on purpose (a Graph first sync at its
 *  request budget) and continues from where it stopped after that wait. */
export type TSyncResult =
  | { ok: true; stored: number; skipped: number; resumeAfterSeconds?: number }
  | { ok: false; code: string; transient: boolean; retryAfterSeconds?: number };
export type TCtx = { workspaceId: string; tenantId: string; mailboxId: string };
export type TMailboxRow = {
  address: string;
  kind: "user" | "shared";
  inbound: string;
  folder: string;
  afterProcessing: string;
  moveToFolder: string | null;
  syncState: TSyncState;
  cloud: TCloud;
};
/** `size` is the original's size in octets (the server's, for mail too large to download);
 *  `tooLarge` marks a summary whose raw MIME is a note, not the original. */
export type TIncoming = {
  sourceKey: string;
  raw: Buffer;
  size: number;
  internetMessageId: string | null;
  fromAddress: string | null;
  subject: string | null;
  receivedAt: Date;
  tooLarge?: boolean;
  /** The X-Consentry-Test header's value when the reader already read the headers (null: none);
   *  undefined: not read, the storer looks. */
  testMailTag?: string | null;
};
/** What a reader reports: done (or stopped on a lost lease), or the failure to diagnose. */
export type TOutcome = { ok: true; resumeAfterSeconds?: number } | { ok: false; failure: TMicrosoftFailure };
export type TGraphMessage = {
  id: string;
  subject?: string;
  internetMessageId?: string;
  receivedDateTime?: string;
  from?: { emailAddress?: { address?: string } };
  "@removed"?: unknown;
};

export const BATCH = 100;
export const SYNC_INTERVAL_MS = 60_000;
/** The safety-net poll of a mailbox whose new mail is pushed (a live IMAP IDLE watch or Graph
 *  subscription): the push starts its syncs, so a poll a minute would only add logins (1,000 pushed
 *  mailboxes would cost 16 TLS sign-ins a second for nothing). */
export const PUSHED_SYNC_INTERVAL_MS = 10 * 60_000;
/** Larger mail is stored as its summary plus a note, not its raw MIME (Exchange Online's own cap is 150 MB). */
export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
/** Raw MIME held in memory (and sent in one INSERT) per batch. */
export const MAX_BATCH_BYTES = 50 * 1024 * 1024;
/** Graph's Outlook budget: 10,000 requests per 10 minutes per app and mailbox
 *  (https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits). */
export const GRAPH_REQUESTS_PER_WINDOW = 10_000;
export const GRAPH_WINDOW_SECONDS = 600;
/** Requests a Graph round leaves unspent in a window (push subscription renewals, the next poll). */
export const GRAPH_BUDGET_RESERVE = 100;
export type TLimits = { maxMessageBytes: number; maxBatchBytes: number; graphRequestsPerWindow: number; graphWindowSeconds: number };

/** The limits of a round: the defaults, with any a caller (a test) lowers. */
export const syncLimits = (over?: Partial<TLimits>): TLimits => ({
  maxMessageBytes: MAX_MESSAGE_BYTES,
  maxBatchBytes: MAX_BATCH_BYTES,
  graphRequestsPerWindow: GRAPH_REQUESTS_PER_WINDOW,
  graphWindowSeconds: GRAPH_WINDOW_SECONDS,
  ...over,
});

/** When to try again: the normal interval after success, exponential backoff after failures, and
 *  exactly the wait Microsoft asked for when it said one (Retry-After, back-off time): this
 *  mailbox's next round only, so other mailboxes keep their own schedule. */
export function nextSyncDelayMs(result: TSyncResult, failures: number): number {
  if (result.ok) return result.resumeAfterSeconds ? Math.max(1, result.resumeAfterSeconds) * 1000 : SYNC_INTERVAL_MS;
  if (result.retryAfterSeconds && result.retryAfterSeconds > 0) return Math.min(Math.max(1, result.retryAfterSeconds) * 1000, 60 * 60_000);
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

/** The delta page an unfinished round of this folder stopped after (its next page), if any. */
export function graphResumeNext(prev: TSyncState["graph"], folder: string): string | null {
  return prev && prev.folder === folder ? (prev.nextLink ?? null) : null;
}

/** The Graph delta link to resume from: none after a folder change (a full read follows). */
export function graphResumeLink(prev: TSyncState["graph"], folder: string): string | null {
  return prev && prev.folder === folder ? prev.deltaLink : null;
}

// Codes by which Graph says a delta token can't be resumed. Outlook sends `SyncStateNotFound`
// while the errors page spells it `syncStateNotFound`, so codes compare case-insensitively;
// `SyncStateInvalid` comes when the token was made under other ID preferences (alcionai/corso#3176).
const DELTA_RESTART_CODES = new Set(["syncstatenotfound", "syncstateinvalid", "resyncrequired"]);

/** The delta token expired or was reset: Graph wants one full resync. */
export function isDeltaExpired(f: TMicrosoftFailure): boolean {
  return f.status === 410 || DELTA_RESTART_CODES.has((f.graphCode ?? "").toLowerCase());
}

/** The Graph folder segment: the well-known name for the Inbox, else the folder's id, escaped. */
export const graphFolderSegment = (folder: string) => (folder.toUpperCase() === "INBOX" ? "inbox" : encodeURIComponent(folder));

export const popSourceKey = (uid: string) => `pop:${uid}`;
export const imapSourceKey = (uidValidity: string, uid: number) => `imap:${uidValidity}:${uid}`;

/** Headers a POP3 message carries, read from the raw source (POP has no ENVELOPE); a source with
 *  no body (TOP n 0) is all headers. */
export function incomingFromRaw(sourceKey: string, raw: Buffer): TIncoming {
  const he = raw.indexOf("\r\n\r\n");
  const head = raw
    .subarray(0, he < 0 ? raw.length : he)
    .toString("utf8")
    .replace(/\r\n[ \t]+/g, " ");
  const h = (name: string) => head.match(new RegExp(`^${name}:\\s*(.*)$`, "im"))?.[1]?.trim() ?? null;
  const from = h("from");
  const date = h("date");
  const received = date ? new Date(date) : new Date();
  return cleanIncoming({
    sourceKey,
    raw,
    size: raw.length,
    internetMessageId: h("message-id"),
    fromAddress: from?.match(/<([^>]+)>/)?.[1] ?? from?.match(/[^\s<>"]+@[^\s<>"]+/)?.[0] ?? null,
    subject: h("subject"),
    receivedAt: isNaN(received.getTime()) ? new Date() : received,
  });
}

export function incomingFromImap(uidValidity: string, m: FetchMessageObject): TIncoming {
  const raw = m.source ?? Buffer.alloc(0);
  // With the MIME at hand, its header block says what the ENVELOPE would (not fetched then).
  const h = m.source
    ? headerSummary(m.source)
    : { messageId: m.envelope?.messageId ?? null, from: m.envelope?.from?.[0]?.address ?? null, subject: m.envelope?.subject ?? null };
  return cleanIncoming({
    sourceKey: imapSourceKey(uidValidity, m.uid),
    raw,
    size: raw.length,
    internetMessageId: h.messageId,
    fromAddress: h.from,
    subject: h.subject,
    receivedAt: m.internalDate ? new Date(m.internalDate) : new Date(),
    ...("testMailTag" in h ? { testMailTag: h.testMailTag } : {}),
  });
}

/** `size` defaults to the MIME's; a download stopped at the limit passes what it saw (and no MIME). */
export function incomingFromGraph(m: TGraphMessage, raw: Buffer, size = raw.length): TIncoming {
  return cleanIncoming({
    sourceKey: `graph:${m.id}`,
    raw,
    size,
    internetMessageId: m.internetMessageId ?? null,
    fromAddress: m.from?.emailAddress?.address ?? null,
    subject: m.subject ?? null,
    receivedAt: m.receivedDateTime ? new Date(m.receivedDateTime) : new Date(),
  });
}

/** The UID an IMAP source key names. */
export const uidOfImapKey = (sourceKey: string) => Number(sourceKey.split(":")[2]);

/** Text from mail headers or Graph JSON, made storable (NULs out, lone surrogates replaced). */
export function cleanIncoming(m: TIncoming): TIncoming {
  return {
    ...m,
    internetMessageId: cleanText(m.internetMessageId) || null,
    fromAddress: cleanText(m.fromAddress) || null,
    subject: cleanText(m.subject),
  };
}

/** Splits items into batches of at most BATCH messages and maxBatchBytes of MIME (one big message alone). */
export function planBatches<T>(items: T[], size: (t: T) => number, maxBatchBytes: number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let bytes = 0;
  for (const it of items) {
    const n = size(it);
    if (cur.length && (cur.length >= BATCH || bytes + n > maxBatchBytes)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(it);
    bytes += n;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** "1.50 MB", "25 MB": a size for event messages. */
export const mib = (n: number) => `${(n / 1024 / 1024).toFixed(n < 1024 * 1024 ? 2 : 0)} MB`;

/** A small RFC 5322 message that stands in for content Consentry didn't keep, so readers of the raw MIME see why. */
export function noteMime(m: Pick<TIncoming, "fromAddress" | "subject" | "internetMessageId" | "receivedAt" | "size">, why: string): Buffer {
  const b64 = (v: string) => `=?utf-8?B?${Buffer.from(v).toString("base64")}?=`;
  const lines = [
    ...(m.fromAddress && /^[^\s<>"]+@[^\s<>"]+$/.test(m.fromAddress) ? [`From: <${m.fromAddress}>`] : []),
    ...(m.subject ? [`Subject: ${b64(m.subject.slice(0, 200))}`] : []),
    ...(m.internetMessageId && /^<[!-;=?-~]{1,900}>$/.test(m.internetMessageId) ? [`Message-ID: ${m.internetMessageId}`] : []),
    `Date: ${m.receivedAt.toUTCString()}`,
    `X-Consentry-Note: content-not-stored; size=${m.size}`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    `Consentry kept this message's details but not its content: ${why}. The original (${m.size} bytes) is still in the mailbox.`,
    "",
  ];
  return Buffer.from(lines.join("\r\n"));
}

/** An oversized message: its summary and a note stand in for the MIME we didn't download. */
export function tooLarge(m: TIncoming, size: number): TIncoming {
  const meta = { ...m, size };
  return { ...meta, raw: noteMime(meta, `it is larger than Consentry stores (${size} bytes)`), tooLarge: true };
}

/** A refused row retried without the header values PostgreSQL may have refused (an indexed
 *  Message-ID past btree's size limit, say), keeping the content. */
export const withoutRefusableHeaders = (m: TIncoming): TIncoming => ({
  ...m,
  internetMessageId: null,
  subject: m.subject?.slice(0, 200) ?? null,
  fromAddress: m.fromAddress?.slice(0, 320) ?? null,
});

/** The last resort for a refused row: a bare summary (no header text) whose MIME is a note. */
export function bareSummary(m: TIncoming, why: string): TIncoming {
  const bare = { ...withoutRefusableHeaders(m), subject: null, fromAddress: null };
  return { ...bare, raw: noteMime(bare, why) };
}
