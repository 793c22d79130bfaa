import "server-only";
// One sync round of one mailbox: new mail from its folder over IMAP (UIDs after the last one seen,
// per UIDVALIDITY) or Graph (delta), stored once each, then the after-processing action. Progress
// is written as it goes (the mailbox page's progress bar); failures become diagnoses and backoff.
import type { ImapFlow, FetchMessageObject } from "imapflow";
import { db } from "../db/client";
import { graphClient, graphFailure, GraphResponseType } from "../mail/graph";
import { openPop3, popFailure, type Pop3Client } from "../mail/pop3";
import { closeImap, imapClient, imapFailure } from "../mail/imap";
import type { TMicrosoftFailure } from "../microsoft/parse-error";
import { classify } from "../diagnostics/classify";
import { TokenError } from "../grants/get-access-token";
import { mailboxToken } from "../grants/mailbox-token";
import { markSyncFailure } from "../mailboxes/mailbox-state";
import type { TCloud, TCloudHosts } from "../microsoft/clouds";
import type { Prisma } from "../db/generated/client";

export type TSyncState = {
  imap?: { folder: string; uidValidity: string; lastUid: number };
  graph?: { folder: string; deltaLink: string | null };
  progress?: { done: number; total: number; startedAt: string; finishedAt?: string };
  failures?: number;
};
export type TSyncResult = { ok: true; stored: number; skipped: number } | { ok: false; code: string; transient: boolean };
type TCtx = { workspaceId: string; tenantId: string; mailboxId: string };
type TMailboxRow = { address: string; kind: "user" | "shared"; inbound: string; folder: string; afterProcessing: string; moveToFolder: string | null; syncState: TSyncState; cloud: TCloud };
type TIncoming = { sourceKey: string; raw: Buffer; internetMessageId: string | null; fromAddress: string | null; subject: string | null; receivedAt: Date };

const BATCH = 100;
export const SYNC_INTERVAL_MS = 60_000;

export async function syncMailbox(ctx: TCtx, opts: { onBatch?: () => Promise<boolean> } = {}): Promise<TSyncResult> {
  const row = await db().mailbox.findFirst({ where: { id: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId }, select: { address: true, kind: true, delegateUpn: true, inbound: true, folder: true, afterProcessing: true, moveToFolder: true, syncState: true, tenant: { select: { cloud: true } }, grant: { select: { upn: true } } } });
  if (!row || (row.inbound !== "imap" && row.inbound !== "graph" && row.inbound !== "pop")) return { ok: true, stored: 0, skipped: 0 };
  const mb: TMailboxRow = { ...row, syncState: (row.syncState as TSyncState | null) ?? {}, cloud: row.tenant.cloud };
  let hosts: TCloudHosts;
  let token: string;
  try {
    ({ hosts, accessToken: token } = await mailboxToken({ ...ctx, cloud: mb.cloud }, mb.inbound as "imap" | "pop" | "graph"));
  } catch (err) {
    if (!(err instanceof TokenError)) throw err;
    // getAccessToken already moved the mailbox and logged the diagnosis.
    await saveState(ctx, { ...mb.syncState, failures: (mb.syncState.failures ?? 0) + 1 });
    return { ok: false, code: err.code, transient: err.kind === "transient" };
  }
  const store = storer(ctx, mb, opts.onBatch);
  const outcome = mb.inbound === "imap" ? await syncImap(ctx, mb, hosts.imap, token, store) : mb.inbound === "pop" ? await syncPop(ctx, mb, hosts.pop, token, store) : await syncGraph(ctx, mb, hosts.graphUrl, token, store);
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
  await markSyncFailure(ctx, { state: cur.state, syncState: { ...((cur.syncState as TSyncState | null) ?? {}), failures } as Prisma.InputJsonValue, diagnosis: d });
  return { ok: false, code: d.code, transient: d.transient };
}

/** When to try again: the normal interval after success, exponential backoff after failures. */
export function nextSyncDelayMs(result: TSyncResult, failures: number): number {
  if (result.ok) return SYNC_INTERVAL_MS;
  const base = result.transient ? 30_000 : 15 * 60_000;
  return Math.min(base * 2 ** Math.max(0, failures - 1), 60 * 60_000);
}

// Stores batches once each: by source key (UIDVALIDITY+UID or Graph id) and, across a UIDVALIDITY
// reset or a delta resync, by Internet Message-ID.
function storer(ctx: TCtx, mb: TMailboxRow, onBatch?: () => Promise<boolean>) {
  const s = {
    stored: 0,
    skipped: 0,
    async save(batch: TIncoming[]): Promise<void> {
      if (batch.length === 0) return;
      const ids = batch.map((m) => m.internetMessageId).filter((x): x is string => !!x);
      const known = ids.length ? new Set((await db().message.findMany({ where: { mailboxId: ctx.mailboxId, internetMessageId: { in: ids } }, select: { internetMessageId: true } })).map((m) => m.internetMessageId)) : new Set<string | null>();
      const fresh = batch.filter((m) => !m.internetMessageId || !known.has(m.internetMessageId));
      const r = await db().message.createMany({
        data: fresh.map((m) => ({ workspaceId: ctx.workspaceId, tenantId: ctx.tenantId, mailboxId: ctx.mailboxId, sourceKey: m.sourceKey, folder: mb.folder, internetMessageId: m.internetMessageId, fromAddress: m.fromAddress, subject: m.subject?.slice(0, 998) ?? null, size: m.raw.length, receivedAt: m.receivedAt, rawMime: new Uint8Array(m.raw) })),
        skipDuplicates: true,
      });
      s.stored += r.count;
      s.skipped += batch.length - r.count;
      if (onBatch && !(await onBatch())) throw new LeaseLost();
    },
  };
  return s;
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

async function syncImap(ctx: TCtx, mb: TMailboxRow, hp: { host: string; port: number }, accessToken: string, store: ReturnType<typeof storer>): Promise<TOutcome> {
  const client = imapClient({ hosts: { imap: hp }, user: mb.address, accessToken });
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
      const st: TSyncState = { ...mb.syncState, imap: { folder: mb.folder, uidValidity, lastUid }, progress: { done: 0, total: uids.length, startedAt: new Date().toISOString() } };
      await saveState(ctx, st);
      // With "keep", storing a batch overlaps fetching the next one. Any other after-processing
      // touches the server's copy, so it waits until the batch is safely stored.
      const overlap = mb.afterProcessing === "keep";
      let storing: Promise<void> = Promise.resolve();
      for (let i = 0; i < uids.length; i += BATCH) {
        const chunk = uids.slice(i, i + BATCH);
        const got: TIncoming[] = [];
        for await (const m of client.fetch(chunk.join(","), { uid: true, source: true, envelope: true, internalDate: true }, { uid: true })) got.push(incomingFromImap(uidValidity, m));
        await storing;
        // lastUid only moves once its batch is stored, so a failure resumes from there.
        storing = store.save(got).then(async () => {
          st.imap!.lastUid = chunk[chunk.length - 1];
          st.progress!.done = Math.min(uids.length, i + chunk.length);
          await saveState(ctx, st);
        });
        storing.catch(() => undefined); // awaited below; this only keeps it from counting as unhandled meanwhile
        if (!overlap) {
          await storing;
          await afterImap(client, mb, chunk);
        }
      }
      await storing;
      return { ok: true };
    } finally {
      lock.release();
    }
  } catch (err) {
    if (err instanceof LeaseLost) return { ok: true };
    return { ok: false, failure: imapFailure(err) };
  } finally {
    await closeImap(client);
  }
}

// POP3 has one folder and no flags: unique ids (UIDL) say what is new, and the only
// after-processing is delete, sent only once the batch is stored (QUIT commits it).
async function syncPop(ctx: TCtx, mb: TMailboxRow, hp: { host: string; port: number }, accessToken: string, store: ReturnType<typeof storer>): Promise<TOutcome> {
  let client: Pop3Client | null = null;
  try {
    client = await openPop3({ hosts: { pop: hp }, user: mb.address, accessToken });
    const list = await client.uidl();
    const known = new Set((await db().message.findMany({ where: { mailboxId: ctx.mailboxId, sourceKey: { in: list.map((l) => `pop:${l.uid}`) } }, select: { sourceKey: true } })).map((m) => m.sourceKey));
    const todo = list.filter((l) => !known.has(`pop:${l.uid}`));
    const st: TSyncState = { ...mb.syncState, progress: { done: 0, total: todo.length, startedAt: new Date().toISOString() } };
    await saveState(ctx, st);
    for (let i = 0; i < todo.length; i += BATCH) {
      const chunk = todo.slice(i, i + BATCH);
      const got: TIncoming[] = [];
      for (const m of chunk) got.push(incomingFromRaw(`pop:${m.uid}`, await client.retr(m.n)));
      await store.save(got);
      st.progress!.done = Math.min(todo.length, i + chunk.length);
      await saveState(ctx, st);
    }
    // Delete what is stored (known before, or just stored), if asked to.
    if (mb.afterProcessing === "delete") for (const m of list) await client.dele(m.n);
    await client.quit();
    return { ok: true };
  } catch (err) {
    client?.close();
    if (err instanceof LeaseLost) return { ok: true };
    return { ok: false, failure: popFailure(err) };
  }
}

/** Headers a POP3 message carries, read from the raw source (POP has no ENVELOPE). */
function incomingFromRaw(sourceKey: string, raw: Buffer): TIncoming {
  const head = raw.subarray(0, Math.max(0, raw.indexOf("\r\n\r\n"))).toString("utf8").replace(/\r\n[ \t]+/g, " ");
  const h = (name: string) => head.match(new RegExp(`^${name}:\\s*(.*)$`, "im"))?.[1]?.trim() ?? null;
  const from = h("from");
  const date = h("date");
  const received = date ? new Date(date) : new Date();
  return { sourceKey, raw, internetMessageId: h("message-id"), fromAddress: from?.match(/<([^>]+)>/)?.[1] ?? from?.match(/[^\s<>"]+@[^\s<>"]+/)?.[0] ?? null, subject: h("subject"), receivedAt: isNaN(received.getTime()) ? new Date() : received };
}

function incomingFromImap(uidValidity: string, m: FetchMessageObject): TIncoming {
  const from = m.envelope?.from?.[0]?.address ?? null;
  return { sourceKey: `imap:${uidValidity}:${m.uid}`, raw: m.source ?? Buffer.alloc(0), internetMessageId: m.envelope?.messageId ?? null, fromAddress: from, subject: m.envelope?.subject ?? null, receivedAt: m.internalDate ? new Date(m.internalDate) : new Date() };
}

async function afterImap(client: ImapFlow, mb: TMailboxRow, uids: number[]) {
  const range = uids.join(",");
  if (mb.afterProcessing === "mark_read") await client.messageFlagsAdd(range, ["\\Seen"], { uid: true });
  else if (mb.afterProcessing === "move" && mb.moveToFolder) await client.messageMove(range, mb.moveToFolder, { uid: true });
  else if (mb.afterProcessing === "delete") await client.messageDelete(range, { uid: true });
}

type TGraphMessage = { id: string; subject?: string; internetMessageId?: string; receivedDateTime?: string; from?: { emailAddress?: { address?: string } }; "@removed"?: unknown };

async function syncGraph(ctx: TCtx, mb: TMailboxRow, graphUrl: string, accessToken: string, store: ReturnType<typeof storer>): Promise<TOutcome> {
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
        const got: TIncoming[] = [];
        for (const m of page.value.filter((x) => !x["@removed"])) {
          const raw = Buffer.from((await client.api(`/users/${user}/messages/${m.id}/$value`).responseType(GraphResponseType.ARRAYBUFFER).get()) as ArrayBuffer);
          got.push({ sourceKey: `graph:${m.id}`, raw, internetMessageId: m.internetMessageId ?? null, fromAddress: m.from?.emailAddress?.address ?? null, subject: m.subject ?? null, receivedAt: m.receivedDateTime ? new Date(m.receivedDateTime) : new Date() });
        }
        await store.save(got);
        await afterGraph(client, user, mb, got.map((g) => g.sourceKey.slice("graph:".length)));
        st.progress!.done += got.length;
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

async function afterGraph(client: ReturnType<typeof graphClient>, user: string, mb: TMailboxRow, ids: string[]) {
  for (const id of ids) {
    if (mb.afterProcessing === "mark_read") await client.api(`/users/${user}/messages/${id}`).patch({ isRead: true });
    else if ((mb.afterProcessing === "move" && mb.moveToFolder) || mb.afterProcessing === "delete") await client.api(`/users/${user}/messages/${id}/move`).post({ destinationId: mb.afterProcessing === "delete" ? "deleteditems" : mb.moveToFolder });
  }
}
