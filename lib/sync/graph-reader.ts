import "server-only";
// The Microsoft Graph reader of a sync round: the folder's delta query (a full read when there is
// no delta link), page by page; each page's new messages' MIME through JSON `$batch` (20 a batch,
// 4 batches in flight: lib/mail/graph.ts), stored while the next page is fetched, then the
// after-processing action. After each stored page the next page's link is saved, so a round that
// fails (or stops at Graph's request budget) resumes from that page, and ids already stored are
// never downloaded again; an expired delta token gets one full resync, which skips what is stored.
// Batches are cut by bytes and an oversized message is stored as its summary plus a note; the
// after-processing leaves originals whose content wasn't kept.
import { db } from "../db/client";
import { graphBatchMime, graphClient, graphFailure, graphRetrying, requestSlots } from "../mail/graph";
import {
  BATCH,
  GRAPH_BUDGET_RESERVE,
  graphFolderSegment,
  graphResumeLink,
  graphResumeNext,
  incomingFromGraph,
  isDeltaExpired,
  planBatches,
  tooLarge,
  type TCtx,
  type TGraphMessage,
  type TIncoming,
  type TLimits,
  type TMailboxRow,
  type TOutcome,
  type TSyncState,
} from "./bookkeeping";
import { LeaseLost, type TStorer } from "./storer";
import { saveState, syncEvent } from "./sync-writes";

type TDeltaPage = { value: TGraphMessage[]; "@odata.nextLink"?: string; "@odata.deltaLink"?: string };

/** The ids of a page this mailbox already holds: not downloaded again (a resumed first sync, a
 *  resync after an expired delta token, a flag change reported by the delta). */
async function storedIds(ctx: TCtx, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db().message.findMany({
    where: { mailboxId: ctx.mailboxId, workspaceId: ctx.workspaceId, sourceKey: { in: ids.map((id) => `graph:${id}`) } },
    select: { sourceKey: true },
  });
  return new Set(rows.map((r) => r.sourceKey.slice("graph:".length)));
}

export async function readGraph(
  ctx: TCtx,
  mb: TMailboxRow,
  graphUrl: string,
  accessToken: string,
  store: TStorer,
  limits: TLimits,
): Promise<TOutcome> {
  const client = graphClient(graphUrl, accessToken);
  const user = encodeURIComponent(mb.address);
  const folder = graphFolderSegment(mb.folder);
  const prev = graphResumeLink(mb.syncState.graph, mb.folder);
  const prevNext = graphResumeNext(mb.syncState.graph, mb.folder);
  // The request budget (Graph's 10,000 per 10 minutes per app and mailbox), counted for this round:
  // before a page that could pass it, the round stops at its saved page and resumes after the window.
  const started = Date.now();
  let spent = 0;
  const spend = (n: number) => void (spent += n);
  const perPage = 1 + BATCH * (mb.afterProcessing === "keep" ? 1 : 2);
  const cap = Math.max(perPage, limits.graphRequestsPerWindow - GRAPH_BUDGET_RESERVE);
  // Microsoft's 4 concurrent requests per app and mailbox, shared by delta paging and the batches.
  const slots = requestSlots(4);
  // Before anything is stored (a first sync), pages aren't checked against stored ids.
  let anyStored = !!(await db().message.findFirst({
    where: { mailboxId: ctx.mailboxId, workspaceId: ctx.workspaceId },
    select: { id: true },
  }));
  for (let attempt = 0; attempt < 2; attempt++) {
    // A page's bodies are fetched while the previous page is stored and the next page is read; its
    // state (the page to resume from) is saved only once it and every page before it are stored.
    let storing: Promise<void> = Promise.resolve();
    try {
      const resume = attempt === 0 ? prevNext : null;
      const st: TSyncState = {
        ...mb.syncState,
        graph: { folder: mb.folder, deltaLink: attempt === 0 ? prev : null, nextLink: resume },
      };
      if (resume && mb.syncState.progress) st.progress = { ...mb.syncState.progress, finishedAt: undefined };
      else {
        let total = 0;
        if (!st.graph!.deltaLink) {
          spend(1);
          total = ((await client.api(`/users/${user}/mailFolders/${folder}`).get()) as { totalItemCount?: number }).totalItemCount ?? 0;
        }
        st.progress = { done: 0, total, startedAt: new Date().toISOString() };
      }
      await saveState(ctx, st);
      anyStored ||= attempt > 0;
      let url: string | null =
        resume ??
        st.graph!.deltaLink ??
        `/users/${user}/mailFolders/${folder}/messages/delta?$select=subject,from,receivedDateTime,internetMessageId`;
      let behind: Promise<void> = Promise.resolve(); // the store two pages back: bounds what is held
      // A page's bodies are fetched once the page before has all of its own (its store still
      // overlaps): when the request budget runs out, a whole page is in hand and stored, never two
      // half-fetched pages and nothing kept.
      let fetched: Promise<unknown> = Promise.resolve();
      while (url) {
        if (spent + perPage > cap) {
          await storing;
          const left = Math.max(1, Math.ceil(limits.graphWindowSeconds - (Date.now() - started) / 1000));
          await syncEvent(ctx, "info", "graph_request_budget", "Paused at Microsoft Graph's request budget; continuing from here.", {
            requests: spent,
            resumeAfterSeconds: left,
          });
          return { ok: true, resumeAfterSeconds: left };
        }
        spend(1);
        const pageUrl: string = url;
        // A page throttled (its 429's Retry-After short) is read again after the wait.
        const page: TDeltaPage = await graphRetrying(() =>
          slots.run(async () => (await client.api(pageUrl).header("Prefer", `odata.maxpagesize=${BATCH}`).get()) as TDeltaPage, true),
        );
        const msgs = page.value.filter((x) => !x["@removed"]);
        const known = anyStored
          ? await storedIds(
              ctx,
              msgs.map((m) => m.id),
            )
          : new Set<string>();
        const want = msgs.filter((m) => !known.has(m.id));
        const fetching = fetched.then(() =>
          graphBatchMime(
            client,
            `/users/${user}`,
            want.map((m) => m.id),
            { maxMessageBytes: limits.maxMessageBytes, maxBatchBytes: limits.maxBatchBytes, spend, slots },
          ),
        );
        fetching.catch(() => undefined); // awaited by the page's store below
        fetched = fetching;
        const next = page["@odata.nextLink"] ?? null;
        const deltaLink = page["@odata.deltaLink"] ?? null;
        const seen = msgs.length;
        const before = storing;
        behind = before;
        storing = (async () => {
          const mime = await fetching;
          await before;
          const items: TIncoming[] = [];
          for (const m of want) {
            const raw = mime.get(m.id);
            if (!raw || raw === "gone") continue; // deleted since the delta page: its removal comes next round
            const base = incomingFromGraph(m, raw.buf ?? Buffer.alloc(0), raw.size);
            items.push(raw.buf ? base : tooLarge(base, raw.size));
          }
          for (const batch of planBatches(items, (i) => i.raw.length, limits.maxBatchBytes)) {
            await store.save(batch);
            await afterGraph(
              client,
              user,
              mb,
              batch.filter((g) => !store.unkept.has(g.sourceKey)).map((g) => g.sourceKey.slice("graph:".length)),
              spend,
            );
          }
          st.progress!.done += seen;
          st.progress!.total = Math.max(st.progress!.total, st.progress!.done);
          st.graph = { folder: mb.folder, deltaLink: deltaLink ?? st.graph!.deltaLink, nextLink: deltaLink ? null : next };
          await saveState(ctx, { ...st, graph: { ...st.graph }, progress: { ...st.progress! } });
        })();
        storing.catch(() => undefined); // awaited below, or in the catch
        // At most this page and the one before in memory: wait for the store two pages back.
        await behind;
        url = next;
      }
      await storing;
      return { ok: true };
    } catch (err) {
      await storing.catch(() => undefined);
      if (err instanceof LeaseLost) return { ok: true };
      const f = graphFailure(err);
      // The delta token expired or was reset: one full resync, which skips what's stored.
      if (attempt === 0 && isDeltaExpired(f)) {
        await syncEvent(ctx, "info", "graph_delta_expired", "Graph sync state expired; resyncing without duplicates.", {});
        continue;
      }
      return { ok: false, failure: f };
    }
  }
  return { ok: false, failure: { source: "graph", message: "Graph delta could not be restarted" } };
}

async function afterGraph(
  client: ReturnType<typeof graphClient>,
  user: string,
  mb: TMailboxRow,
  ids: string[],
  spend: (n: number) => void,
) {
  for (const id of ids) {
    if (mb.afterProcessing === "mark_read") {
      spend(1);
      await client.api(`/users/${user}/messages/${id}`).patch({ isRead: true });
    } else if ((mb.afterProcessing === "move" && mb.moveToFolder) || mb.afterProcessing === "delete") {
      spend(1);
      await client
        .api(`/users/${user}/messages/${id}/move`)
        .post({ destinationId: mb.afterProcessing === "delete" ? "deleteditems" : mb.moveToFolder });
    }
  }
}
