import "server-only";
// The Microsoft Graph reader of a sync round: the folder's delta query (a full read when there is
// no delta link), each message's MIME, stored, then the after-processing action; an expired delta
// token gets one full resync, which skips what is stored. The MIME is read with a byte counter, so
// batches are cut by bytes and an oversized message is stored as its summary plus a note; the
// after-processing leaves originals whose content wasn't kept.
import { graphClient, graphFailure, graphReadCapped } from "../mail/graph";
import {
  BATCH,
  graphFolderSegment,
  graphResumeLink,
  incomingFromGraph,
  isDeltaExpired,
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
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const st: TSyncState = { ...mb.syncState, graph: { folder: mb.folder, deltaLink: attempt === 0 ? prev : null } };
      let total = 0;
      if (!st.graph!.deltaLink)
        total = ((await client.api(`/users/${user}/mailFolders/${folder}`).get()) as { totalItemCount?: number }).totalItemCount ?? 0;
      st.progress = { done: 0, total, startedAt: new Date().toISOString() };
      await saveState(ctx, st);
      let url: string | null =
        st.graph!.deltaLink ??
        `/users/${user}/mailFolders/${folder}/messages/delta?$select=subject,from,receivedDateTime,internetMessageId`;
      while (url) {
        const page = (await client.api(url).header("Prefer", `odata.maxpagesize=${BATCH}`).get()) as {
          value: TGraphMessage[];
          "@odata.nextLink"?: string;
          "@odata.deltaLink"?: string;
        };
        let got: TIncoming[] = [];
        let bytes = 0;
        const flush = async () => {
          await store.save(got);
          await afterGraph(
            client,
            user,
            mb,
            got.filter((g) => !store.unkept.has(g.sourceKey)).map((g) => g.sourceKey.slice("graph:".length)),
          );
          st.progress!.done += got.length;
          got = [];
          bytes = 0;
        };
        for (const m of page.value.filter((x) => !x["@removed"])) {
          const raw = await graphReadCapped(client, `/users/${user}/messages/${m.id}/$value`, limits.maxMessageBytes);
          const base = incomingFromGraph(m, raw.buf ?? Buffer.alloc(0), raw.size);
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
      if (attempt === 0 && isDeltaExpired(f)) {
        await syncEvent(ctx, "info", "graph_delta_expired", "Graph sync state expired; resyncing without duplicates.", {});
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
    else if ((mb.afterProcessing === "move" && mb.moveToFolder) || mb.afterProcessing === "delete")
      await client
        .api(`/users/${user}/messages/${id}/move`)
        .post({ destinationId: mb.afterProcessing === "delete" ? "deleteditems" : mb.moveToFolder });
  }
}
