import "server-only";
// One sync round of one mailbox: new mail from its folder over IMAP (UIDs after the last one seen,
// per UIDVALIDITY) or Graph (delta), stored once each, then the after-processing action. Progress
// is written as it goes (the mailbox page's progress bar); failures become diagnoses and backoff.
import { ImapFlow, type FetchMessageObject } from "imapflow";
import { ResponseType } from "@microsoft/microsoft-graph-client";
import { db } from "../db/client";
import { hostsFor } from "../clouds/hosts-for";
import { resourceForProtocol } from "../microsoft/scope-profiles";
import { graphClient, graphFailure } from "../microsoft/graph-client";
import { Pop3Client, Pop3Error } from "../mail/pop3-client";
import { failureFromImapReply, failureFromNetworkError, failureFromPopReply, type TMicrosoftFailure } from "../microsoft/parse-error";
import { classify } from "../diagnostics/classify";
import { getAccessToken, TokenError } from "../grants/get-access-token";
import { microsoftRefresher } from "../grants/microsoft-refresher";
import type { Prisma } from "../db/generated/client";
import { cleanText } from "../clean-text";
import { redact } from "../microsoft/parse-error";

export type TSyncState = {
  imap?: { folder: string; uidValidity: string; lastUid: number };
  graph?: { folder: string; deltaLink: string | null };
  progress?: { done: number; total: number; startedAt: string; finishedAt?: string };
  failures?: number;
};
export type TSyncResult = { ok: true; stored: number; skipped: number } | { ok: false; code: string; transient: boolean };
type TCtx = { workspaceId: string; tenantId: string; mailboxId: string };
type TMailboxRow = { address: string; kind: "user" | "shared"; inbound: string; folder: string; afterProcessing: string; moveToFolder: string | null; syncState: TSyncState; cloud: Parameters<typeof hostsFor>[0] };
type TIncoming = { sourceKey: string; raw: Buffer; size: number; internetMessageId: string | null; fromAddress: string | null; subject: string | null; receivedAt: Date; tooLarge?: boolean };

const BATCH = 100;
export const SYNC_INTERVAL_MS = 60_000;
/** Larger mail is stored as its summary plus a note, not its raw MIME (Exchange Online's own cap is 150 MB). */
export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
/** Raw MIME held in memory (and sent in one INSERT) per batch. */
export const MAX_BATCH_BYTES = 50 * 1024 * 1024;
type TLimits = { maxMessageBytes: number; maxBatchBytes: number };

export async function syncMailbox(ctx: TCtx, opts: { onBatch?: () => Promise<boolean>; limits?: Partial<TLimits> } = {}): Promise<TSyncResult> {
  const limits: TLimits = { maxMessageBytes: MAX_MESSAGE_BYTES, maxBatchBytes: MAX_BATCH_BYTES, ...opts.limits };
  const row = await db().mailbox.findFirst({ where: { id: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId }, select: { address: true, kind: true, delegateUpn: true, inbound: true, folder: true, afterProcessing: true, moveToFolder: true, syncState: true, tenant: { select: { cloud: true } }, grant: { select: { upn: true } } } });
  if (!row || (row.inbound !== "imap" && row.inbound !== "graph" && row.inbound !== "pop")) return { ok: true, stored: 0, skipped: 0 };
  const mb: TMailboxRow = { ...row, syncState: (row.syncState as TSyncState | null) ?? {}, cloud: row.tenant.cloud };
  const hosts = hostsFor(mb.cloud);
  let token: string;
  try {
    token = (await getAccessToken({ ...ctx, resource: resourceForProtocol(mb.inbound as "imap" | "pop" | "graph", hosts) }, microsoftRefresher)).accessToken;
  } catch (err) {
    if (!(err instanceof TokenError)) throw err;
    // getAccessToken already moved the mailbox and logged the diagnosis.
    await saveState(ctx, { ...mb.syncState, failures: (mb.syncState.failures ?? 0) + 1 });
    return { ok: false, code: err.code, transient: err.kind === "transient" };
  }
  const store = storer(ctx, mb, limits, opts.onBatch);
  const outcome = mb.inbound === "imap" ? await syncImap(ctx, mb, hosts.imap, token, store, limits) : mb.inbound === "pop" ? await syncPop(ctx, mb, hosts.pop, token, store, limits) : await syncGraph(ctx, mb, hosts.graphUrl, token, store, limits);
  if (outcome.ok) {
    const fresh = (await db().mailbox.findUniqueOrThrow({ where: { id: ctx.mailboxId }, select: { syncState: true, state: true, stateCode: true } }));
    const st = (fresh.syncState as TSyncState | null) ?? {};
    await db().mailbox.update({ where: { id: ctx.mailboxId }, data: { lastSyncAt: new Date(), syncState: { ...st, failures: 0, progress: st.progress ? { ...st.progress, finishedAt: new Date().toISOString() } : undefined } as Prisma.InputJsonValue } });
    if (store.stored > 0) await event(ctx, "info", "synced", `Synced ${store.stored} new message${store.stored === 1 ? "" : "s"} from ${mb.folder}.`, { stored: store.stored, skipped: store.skipped });
    return { ok: true, stored: store.stored, skipped: store.skipped };
  }
  const d = classify(outcome.failure, { expectedUser: row.address, tokenUpn: row.grant?.upn, mailboxKind: row.kind, delegateUpn: row.delegateUpn ?? undefined });
  const failures = (mb.syncState.failures ?? 0) + 1;
  const cur = await db().mailbox.findUniqueOrThrow({ where: { id: ctx.mailboxId }, select: { syncState: true, state: true } });
  await db().mailbox.update({ where: { id: ctx.mailboxId }, data: { syncState: { ...((cur.syncState as TSyncState | null) ?? {}), failures } as Prisma.InputJsonValue, ...(d.transient || cur.state !== "connected" ? {} : { state: "degraded", stateCode: d.code }) } });
  await event(ctx, d.transient ? "warn" : "error", d.code, `Sync failed: ${d.title}.`, { evidence: d.evidence.summary, transient: d.transient });
  return { ok: false, code: d.code, transient: d.transient };
}

/** When to try again: the normal interval after success, exponential backoff after failures. */
export function nextSyncDelayMs(result: TSyncResult, failures: number): number {
  if (result.ok) return SYNC_INTERVAL_MS;
  const base = result.transient ? 30_000 : 15 * 60_000;
  return Math.min(base * 2 ** Math.max(0, failures - 1), 60 * 60_000);
}

// Stores batches once each: by source key (UIDVALIDITY+UID or Graph id) and, across a UIDVALIDITY
// reset or a delta resync, by Internet Message-ID. One bad message never blocks the rest: if the
// batch insert fails, rows go one by one, and a row that still fails is kept as its summary with a
// note instead of its content (and a diagnosis in the event log), so sync moves past it.
function storer(ctx: TCtx, mb: TMailboxRow, limits: TLimits, onBatch?: () => Promise<boolean>) {
  const row = (m: TIncoming) => ({ workspaceId: ctx.workspaceId, tenantId: ctx.tenantId, mailboxId: ctx.mailboxId, sourceKey: m.sourceKey, folder: mb.folder, internetMessageId: m.internetMessageId, fromAddress: m.fromAddress, subject: m.subject?.slice(0, 998) ?? null, size: m.size, receivedAt: m.receivedAt, rawMime: new Uint8Array(m.raw) });
  const s = {
    stored: 0,
    skipped: 0,
    /** Source keys stored without their content: after-processing must leave the original alone. */
    unkept: new Set<string>(),
    async save(batch: TIncoming[]): Promise<void> {
      if (batch.length === 0) return;
      const ids = batch.map((m) => m.internetMessageId).filter((x): x is string => !!x);
      const known = ids.length ? new Set((await db().message.findMany({ where: { mailboxId: ctx.mailboxId, internetMessageId: { in: ids } }, select: { internetMessageId: true } })).map((m) => m.internetMessageId)) : new Set<string | null>();
      const fresh = batch.filter((m) => !m.internetMessageId || !known.has(m.internetMessageId));
      let count: number;
      try {
        count = (await db().message.createMany({ data: fresh.map(row), skipDuplicates: true })).count;
      } catch {
        count = 0;
        for (const m of fresh) count += await saveOne(m);
      }
      s.stored += count;
      s.skipped += batch.length - count;
      for (const m of fresh.filter((x) => x.tooLarge)) {
        s.unkept.add(m.sourceKey);
        await event(ctx, "warn", "message_too_large", `Stored the summary of a ${mib(m.size)} message without its content (over the ${mib(limits.maxMessageBytes)} limit).`, { sourceKey: m.sourceKey, size: m.size });
      }
      if (onBatch && !(await onBatch())) throw new LeaseLost();
    },
  };
  async function saveOne(m: TIncoming): Promise<number> {
    try {
      return (await db().message.createMany({ data: [row(m)], skipDuplicates: true })).count;
    } catch (err) {
      // First without the header values PostgreSQL may have refused (an indexed Message-ID past
      // btree's size limit, say), keeping the content; then as a bare summary with a note.
      const meta: TIncoming = { ...m, internetMessageId: null, subject: m.subject?.slice(0, 200) ?? null, fromAddress: m.fromAddress?.slice(0, 320) ?? null };
      let n: number;
      let kept = true;
      try {
        n = (await db().message.createMany({ data: [row(meta)], skipDuplicates: true })).count;
      } catch {
        kept = false;
        const bare = { ...meta, subject: null, fromAddress: null };
        n = (await db().message.createMany({ data: [row({ ...bare, raw: noteMime(bare, "the database refused it") })], skipDuplicates: true })).count;
        s.unkept.add(m.sourceKey);
      }
      await event(ctx, "warn", "message_not_stored", kept ? "Stored a message without the header values the database refused; the messages after it synced normally." : "Stored the summary of a message the database refused, without its content; the messages after it synced normally.", { sourceKey: m.sourceKey, size: m.size, contentKept: kept, error: redact((err as Error).message ?? "").slice(0, 300) });
      return n;
    }
  }
  return s;
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(n < 1024 * 1024 ? 2 : 0)} MB`;

/** A small RFC 5322 message that stands in for content Consentry didn't keep, so readers of the raw MIME see why. */
function noteMime(m: Pick<TIncoming, "fromAddress" | "subject" | "internetMessageId" | "receivedAt" | "size">, why: string): Buffer {
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

/** Text from mail headers or Graph JSON, made storable (NULs out, lone surrogates replaced). */
function clean(m: TIncoming): TIncoming {
  return { ...m, internetMessageId: cleanText(m.internetMessageId) || null, fromAddress: cleanText(m.fromAddress) || null, subject: cleanText(m.subject) };
}

/** Splits ids into batches of at most BATCH messages and maxBatchBytes of MIME (one big message alone). */
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

class LeaseLost extends Error {
  constructor() {
    super("lease lost to another worker");
  }
}

async function saveState(ctx: TCtx, st: TSyncState) {
  await db().mailbox.update({ where: { id: ctx.mailboxId }, data: { syncState: st as Prisma.InputJsonValue } });
}

async function event(ctx: TCtx, level: "info" | "warn" | "error", code: string, message: string, detail: Record<string, unknown>) {
  await db().event.create({ data: { ...ctx, level, code, message, detail: detail as Prisma.InputJsonValue } });
}

type TOutcome = { ok: true } | { ok: false; failure: TMicrosoftFailure };

async function syncImap(ctx: TCtx, mb: TMailboxRow, hp: { host: string; port: number }, accessToken: string, store: ReturnType<typeof storer>, limits: TLimits): Promise<TOutcome> {
  const client = new ImapFlow({ host: hp.host, port: hp.port, secure: true, auth: { user: mb.address, accessToken }, logger: false, connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 120_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    const lock = await client.getMailboxLock(mb.folder);
    try {
      const uidValidity = String(client.mailbox ? client.mailbox.uidValidity : "");
      const prev = mb.syncState.imap;
      // A new UIDVALIDITY means the old UIDs mean nothing: start over (Message-IDs prevent duplicates).
      const lastUid = prev && prev.folder === mb.folder && prev.uidValidity === uidValidity ? prev.lastUid : 0;
      const found = await client.search({ uid: `${lastUid + 1}:*` }, { uid: true });
      const uids = (Array.isArray(found) ? found : []).filter((u) => u > lastUid).sort((a, b) => a - b);
      // Sizes first (RFC822.SIZE), so batches are cut by bytes and oversized mail is never downloaded.
      const sizes = new Map<number, number>();
      if (uids.length) for await (const m of client.fetch(`${lastUid + 1}:*`, { uid: true, size: true }, { uid: true })) sizes.set(m.uid, m.size ?? 0);
      const sizeOf = (u: number) => sizes.get(u) ?? 0;
      const big = (u: number) => sizeOf(u) > limits.maxMessageBytes;
      const st: TSyncState = { ...mb.syncState, imap: { folder: mb.folder, uidValidity, lastUid }, progress: { done: 0, total: uids.length, startedAt: new Date().toISOString() } };
      await saveState(ctx, st);
      // With "keep", storing a batch overlaps fetching the next one. Any other after-processing
      // touches the server's copy, so it waits until the batch is safely stored.
      const overlap = mb.afterProcessing === "keep";
      let storing: Promise<void> = Promise.resolve();
      let done = 0;
      for (const chunk of planBatches(uids, (u) => (big(u) ? 0 : sizeOf(u)), limits.maxBatchBytes)) {
        const got: TIncoming[] = [];
        const small = chunk.filter((u) => !big(u));
        const large = chunk.filter(big);
        if (small.length) for await (const m of client.fetch(small.join(","), { uid: true, source: true, envelope: true, internalDate: true }, { uid: true })) got.push(incomingFromImap(uidValidity, m));
        if (large.length) for await (const m of client.fetch(large.join(","), { uid: true, envelope: true, internalDate: true, size: true }, { uid: true })) got.push(tooLarge(incomingFromImap(uidValidity, m), m.size ?? sizeOf(m.uid)));
        got.sort((a, b) => Number(a.sourceKey.split(":")[2]) - Number(b.sourceKey.split(":")[2]));
        done += chunk.length;
        const doneNow = done;
        await storing;
        // lastUid only moves once its batch is stored, so a failure resumes from there.
        storing = store.save(got).then(async () => {
          st.imap!.lastUid = chunk[chunk.length - 1];
          st.progress!.done = Math.min(uids.length, doneNow);
          await saveState(ctx, st);
        });
        storing.catch(() => undefined); // awaited below; this only keeps it from counting as unhandled meanwhile
        if (!overlap) {
          await storing;
          await afterImap(client, mb, chunk.filter((u) => !store.unkept.has(`imap:${uidValidity}:${u}`)));
        }
      }
      await storing;
      return { ok: true };
    } finally {
      lock.release();
    }
  } catch (err) {
    if (err instanceof LeaseLost) return { ok: true };
    const e = err as { responseText?: string; response?: string; message?: string; code?: string };
    const text = `${e.responseText ?? ""} ${e.response ?? ""}`.trim();
    return { ok: false, failure: text ? failureFromImapReply(/not connected/i.test(text) ? "BAD User is authenticated but not connected." : text) : /ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENOTFOUND|CERT|TLS/i.test(`${e.code ?? ""} ${e.message ?? ""}`) ? failureFromNetworkError(err) : { source: "imap", imapKind: "bye", message: e.message ?? "IMAP connection ended" } };
  } finally {
    await client.logout().catch(() => client.close());
  }
}

// POP3 has one folder and no flags: unique ids (UIDL) say what is new, and the only
// after-processing is delete, sent only once the batch is stored (QUIT commits it).
async function syncPop(ctx: TCtx, mb: TMailboxRow, hp: { host: string; port: number }, accessToken: string, store: ReturnType<typeof storer>, limits: TLimits): Promise<TOutcome> {
  let client: Pop3Client | null = null;
  try {
    client = await Pop3Client.connect({ host: hp.host, port: hp.port, user: mb.address, accessToken });
    const list = await client.uidl();
    const known = new Set((await db().message.findMany({ where: { mailboxId: ctx.mailboxId, sourceKey: { in: list.map((l) => `pop:${l.uid}`) } }, select: { sourceKey: true } })).map((m) => m.sourceKey));
    const todo = list.filter((l) => !known.has(`pop:${l.uid}`));
    const st: TSyncState = { ...mb.syncState, progress: { done: 0, total: todo.length, startedAt: new Date().toISOString() } };
    await saveState(ctx, st);
    // Sizes first (LIST): batches are cut by bytes, and oversized mail is read as headers only (TOP n 0).
    const sizes = todo.length ? await client.list() : new Map<number, number>();
    const sizeOf = (n: number) => sizes.get(n) ?? 0;
    let done = 0;
    for (const chunk of planBatches(todo, (m) => (sizeOf(m.n) > limits.maxMessageBytes ? 0 : sizeOf(m.n)), limits.maxBatchBytes)) {
      const got: TIncoming[] = [];
      for (const m of chunk) got.push(sizeOf(m.n) > limits.maxMessageBytes ? tooLarge(incomingFromRaw(`pop:${m.uid}`, await client.top(m.n, 0)), sizeOf(m.n)) : incomingFromRaw(`pop:${m.uid}`, await client.retr(m.n)));
      await store.save(got);
      done += chunk.length;
      st.progress!.done = Math.min(todo.length, done);
      await saveState(ctx, st);
    }
    // Delete what is stored (known before, or just stored), if asked to; never mail whose content
    // wasn't kept (too large or refused: its row holds a note, so its size differs from its MIME).
    if (mb.afterProcessing === "delete") {
      const keys = list.map((l) => `pop:${l.uid}`);
      const unkept = new Set([...store.unkept, ...(await db().$queryRaw<{ sourceKey: string }[]>`SELECT "sourceKey" FROM "Message" WHERE "mailboxId" = ${ctx.mailboxId} AND "sourceKey" = ANY(${keys}) AND "purgedAt" IS NULL AND octet_length("rawMime") <> "size"`).map((r) => r.sourceKey)]);
      for (const m of list) if (!unkept.has(`pop:${m.uid}`)) await client.dele(m.n);
    }
    await client.quit();
    return { ok: true };
  } catch (err) {
    client?.close();
    if (err instanceof LeaseLost) return { ok: true };
    if (err instanceof Pop3Error) return { ok: false, failure: failureFromPopReply(err.reply) };
    return { ok: false, failure: failureFromNetworkError(err) };
  }
}

/** Headers a POP3 message carries, read from the raw source (POP has no ENVELOPE). */
function incomingFromRaw(sourceKey: string, raw: Buffer): TIncoming {
  const he = raw.indexOf("\r\n\r\n");
  const head = raw.subarray(0, he < 0 ? raw.length : he).toString("utf8").replace(/\r\n[ \t]+/g, " ");
  const h = (name: string) => head.match(new RegExp(`^${name}:\\s*(.*)$`, "im"))?.[1]?.trim() ?? null;
  const from = h("from");
  const date = h("date");
  const received = date ? new Date(date) : new Date();
  return clean({ sourceKey, raw, size: raw.length, internetMessageId: h("message-id"), fromAddress: from?.match(/<([^>]+)>/)?.[1] ?? from?.match(/[^\s<>"]+@[^\s<>"]+/)?.[0] ?? null, subject: h("subject"), receivedAt: isNaN(received.getTime()) ? new Date() : received });
}

/** An oversized message: its summary and a note stand in for the MIME we didn't download. */
function tooLarge(m: TIncoming, size: number): TIncoming {
  const meta = { ...m, size };
  return { ...meta, raw: noteMime(meta, `it is larger than Consentry stores (${size} bytes)`), tooLarge: true };
}

function incomingFromImap(uidValidity: string, m: FetchMessageObject): TIncoming {
  const from = m.envelope?.from?.[0]?.address ?? null;
  const raw = m.source ?? Buffer.alloc(0);
  return clean({ sourceKey: `imap:${uidValidity}:${m.uid}`, raw, size: raw.length, internetMessageId: m.envelope?.messageId ?? null, fromAddress: from, subject: m.envelope?.subject ?? null, receivedAt: m.internalDate ? new Date(m.internalDate) : new Date() });
}

async function afterImap(client: ImapFlow, mb: TMailboxRow, uids: number[]) {
  if (!uids.length) return;
  const range = uids.join(",");
  if (mb.afterProcessing === "mark_read") await client.messageFlagsAdd(range, ["\\Seen"], { uid: true });
  else if (mb.afterProcessing === "move" && mb.moveToFolder) await client.messageMove(range, mb.moveToFolder, { uid: true });
  else if (mb.afterProcessing === "delete") await client.messageDelete(range, { uid: true });
}

type TGraphMessage = { id: string; subject?: string; internetMessageId?: string; receivedDateTime?: string; from?: { emailAddress?: { address?: string } }; "@removed"?: unknown };

async function syncGraph(ctx: TCtx, mb: TMailboxRow, graphUrl: string, accessToken: string, store: ReturnType<typeof storer>, limits: TLimits): Promise<TOutcome> {
  const client = graphClient(graphUrl, accessToken);
  const user = encodeURIComponent(mb.address);
  const folder = mb.folder.toUpperCase() === "INBOX" ? "inbox" : encodeURIComponent(mb.folder);
  const prev = mb.syncState.graph && mb.syncState.graph.folder === mb.folder ? mb.syncState.graph.deltaLink : null;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const st: TSyncState = { ...mb.syncState, graph: { folder: mb.folder, deltaLink: attempt === 0 ? prev : null } };
      let total = 0;
      if (!st.graph!.deltaLink) total = ((await client.api(`/users/${user}/mailFolders/${folder}`).get()) as { totalItemCount?: number }).totalItemCount ?? 0;
      st.progress = { done: 0, total, startedAt: new Date().toISOString() };
      await saveState(ctx, st);
      let url: string | null = st.graph!.deltaLink ?? `/users/${user}/mailFolders/${folder}/messages/delta?$select=subject,from,receivedDateTime,internetMessageId`;
      while (url) {
        const page = (await client.api(url).header("Prefer", `odata.maxpagesize=${BATCH}`).get()) as { value: TGraphMessage[]; "@odata.nextLink"?: string; "@odata.deltaLink"?: string };
        let got: TIncoming[] = [];
        let bytes = 0;
        const flush = async () => {
          await store.save(got);
          await afterGraph(client, user, mb, got.filter((g) => !store.unkept.has(g.sourceKey)).map((g) => g.sourceKey.slice("graph:".length)));
          st.progress!.done += got.length;
          got = [];
          bytes = 0;
        };
        for (const m of page.value.filter((x) => !x["@removed"])) {
          // Graph's message has no size before download: the MIME is read with a byte counter instead.
          const raw = await graphMime(client, `/users/${user}/messages/${m.id}/$value`, limits.maxMessageBytes);
          const base = clean({ sourceKey: `graph:${m.id}`, raw: raw.buf ?? Buffer.alloc(0), size: raw.size, internetMessageId: m.internetMessageId ?? null, fromAddress: m.from?.emailAddress?.address ?? null, subject: m.subject ?? null, receivedAt: m.receivedDateTime ? new Date(m.receivedDateTime) : new Date() });
          if (bytes + raw.size > limits.maxBatchBytes && got.length) await flush();
          got.push(raw.buf ? base : tooLarge(base, raw.size));
          bytes += raw.buf ? raw.size : 0;
        }
        await flush();
        st.progress!.total = Math.max(st.progress!.total, st.progress!.done);
        if (page["@odata.deltaLink"]) st.graph!.deltaLink = page["@odata.deltaLink"];
        await saveState(ctx, st);
        url = page["@odata.nextLink"] ?? null;
      }
      return { ok: true };
    } catch (err) {
      if (err instanceof LeaseLost) return { ok: true };
      const f = graphFailure(err);
      // The delta token expired or was reset: one full resync, which skips what's stored.
      if (attempt === 0 && (f.status === 410 || f.graphCode === "syncStateNotFound" || f.graphCode === "resyncRequired")) {
        await event(ctx, "info", "graph_delta_expired", "Graph sync state expired; resyncing without duplicates.", {});
        continue;
      }
      return { ok: false, failure: f };
    }
  }
  return { ok: false, failure: { source: "graph", message: "Graph delta could not be restarted" } };
}

/** The message's MIME, or null past `max` bytes (the download stops there); size is what was seen. */
async function graphMime(client: ReturnType<typeof graphClient>, path: string, max: number): Promise<{ buf: Buffer | null; size: number }> {
  const res = (await client.api(path).responseType(ResponseType.RAW).get()) as Response;
  if (!res.ok) {
    const j = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw Object.assign(new Error(j.error?.message ?? `HTTP ${res.status}`), { statusCode: res.status, code: j.error?.code, headers: res.headers });
  }
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > max) {
    await res.body?.cancel().catch(() => undefined);
    return { buf: null, size: declared };
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body?.getReader();
  for (;;) {
    const r = reader ? await reader.read() : { done: true as const, value: undefined };
    if (r.done) break;
    size += r.value.byteLength;
    if (size > max) {
      await reader!.cancel().catch(() => undefined);
      return { buf: null, size };
    }
    chunks.push(r.value);
  }
  return { buf: Buffer.concat(chunks, size), size };
}

async function afterGraph(client: ReturnType<typeof graphClient>, user: string, mb: TMailboxRow, ids: string[]) {
  for (const id of ids) {
    if (mb.afterProcessing === "mark_read") await client.api(`/users/${user}/messages/${id}`).patch({ isRead: true });
    else if ((mb.afterProcessing === "move" && mb.moveToFolder) || mb.afterProcessing === "delete") await client.api(`/users/${user}/messages/${id}/move`).post({ destinationId: mb.afterProcessing === "delete" ? "deleteditems" : mb.moveToFolder });
  }
}
