// Per-folder message delta (https://learn.microsoft.com/en-us/graph/delta-query-messages).
// State lives in opaque tokens: the folder, the mailbox's delta epoch (bumped by the admin switch
// to expire every token) and a modseq watermark. Initial rounds page through a snapshot; later
// rounds return what changed after the watermark, with `@removed` for deletions and moves out.
import { z } from "zod";
import type { Folder, MailboxStore, StoredMessage } from "../mail/store/mailbox-store";
import { messageJson } from "./graph-message-json";
import { GraphError } from "./graph-http";

const ZDeltaState = z.object({
  f: z.string(), // folder id
  e: z.number(), // delta epoch
  w: z.number(), // watermark: changes with modseq > w are new to the client
  o: z.number().default(0), // offset within the current round
  n: z.number().optional(), // the round's upper watermark (while paging)
  i: z.boolean().default(false), // initial round
  s: z.array(z.string()).optional(), // $select
  r: z.number().optional(), // tombstone cursor (incremental rounds)
  c: z.enum(["created", "updated", "deleted"]).optional(), // ?changeType=
  g: z.number().optional(), // $filter receivedDateTime ge (ms)
  gx: z.boolean().optional(), // ... gt instead of ge
});
type TDeltaState = z.infer<typeof ZDeltaState>;

export function encodeDelta(s: TDeltaState) {
  return Buffer.from(JSON.stringify(s)).toString("base64url");
}

export function decodeDelta(token: string): TDeltaState | undefined {
  try {
    const p = ZDeltaState.safeParse(JSON.parse(Buffer.from(token, "base64url").toString("utf8")));
    return p.success ? p.data : undefined;
  } catch {
    return undefined;
  }
}

/** An expired or reset delta token: 410 Gone, code `SyncStateNotFound` as Outlook sends it (the
 *  errors page spells it `syncStateNotFound`), with the generation the token named and the
 *  mailbox's current one (observed: microsoftgraph/microsoft-graph-docs#2350). */
export const syncStateNotFound = (location: string, generation: number, highest: number) =>
  new GraphError(410, "SyncStateNotFound", `The sync state generation is not found; generation=${generation};[highest=${highest}].`, {
    Location: location,
  });

export type DeltaPage = { value: Record<string, unknown>[]; next?: string; delta?: string };

/**
 * Cursors are UIDs (and tombstone modseqs), not offsets, so changes made while a client pages
 * can neither shift nor hide items: anything changed after `upper` comes in the next round.
 * Initial round: o = UID to continue below (0 = start). Later rounds: o = UID to continue above,
 * then r = tombstone modseq to continue above.
 */
function passesFilter(state: TDeltaState, m: StoredMessage) {
  if (state.g === undefined) return true;
  const t = Math.floor(m.date / 1000) * 1000;
  return state.gx ? t > state.g : t >= state.g;
}

export function deltaPage(box: MailboxStore, folder: Folder, state: TDeltaState, pageSize: number): DeltaPage {
  const upper = state.n ?? box.modseq;
  const items: Record<string, unknown>[] = [];
  const msgs = folder.messages;
  if (state.i) {
    let k = msgs.length - 1;
    if (state.o) while (k >= 0 && msgs[k].uid >= state.o) k--;
    let lastUid = 0;
    for (; k >= 0 && items.length < pageSize; k--) {
      if (msgs[k].modseq > upper || !passesFilter(state, msgs[k]) || state.c === "deleted") continue;
      items.push(messageJson(box, folder, msgs[k], state.s));
      lastUid = msgs[k].uid;
    }
    const more = state.c !== "deleted" && msgs.slice(0, Math.max(0, k + 1)).some((m) => m.modseq <= upper && passesFilter(state, m));
    if (more) return { value: items, next: encodeDelta({ ...state, o: lastUid, n: upper }) };
  } else {
    let lastUid = state.o;
    let lastRemoved = state.r ?? state.w;
    if (state.r === undefined) {
      for (const m of msgs) {
        if (m.uid <= state.o || m.modseq <= state.w || m.modseq > upper || !passesFilter(state, m)) continue;
        const isNew = m.created > state.w;
        if (state.c === "deleted" || (state.c === "created" && !isNew) || (state.c === "updated" && isNew)) continue;
        if (items.length >= pageSize) return { value: items, next: encodeDelta({ ...state, o: lastUid, n: upper }) };
        items.push(messageJson(box, folder, m, state.s));
        lastUid = m.uid;
      }
    }
    for (const r of state.c && state.c !== "deleted" ? [] : folder.removed) {
      if (r.modseq <= lastRemoved || r.modseq > upper) continue;
      if (items.length >= pageSize) return { value: items, next: encodeDelta({ ...state, o: lastUid, r: lastRemoved, n: upper }) };
      items.push({ "@odata.type": "#microsoft.graph.message", id: r.id, "@removed": { reason: "deleted" } });
      lastRemoved = r.modseq;
    }
  }
  return {
    value: items,
    delta: encodeDelta({ f: folder.id, e: state.e, w: upper, o: 0, i: false, s: state.s, c: state.c, g: state.g, gx: state.gx }),
  };
}
