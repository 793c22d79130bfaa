// One mailbox: folders, messages, IMAP UIDs, Graph ids and a modseq-based change log, persisted as
// an append-only blob file (raw MIME) plus an append-only journal of operations replayed on load.
// Only small per-message records live in memory; raw MIME is read back from the blob file by
// offset, so a 100,000-message mailbox costs tens of MB, not the size of its mail.
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import fs from "node:fs";
import path from "node:path";

export type StoredMessage = {
  uid: number;
  id: string; // Graph id; a move creates a new one (as Exchange does)
  flags: string[];
  date: number; // internal date (ms)
  size: number;
  off: number; // offset in blobs.dat
  modseq: number; // last change, for Graph delta
  created: number; // modseq at which it appeared in its folder (delta changeType=created)
};

export type Folder = {
  id: string; // Graph folder id
  name: string; // IMAP path ("INBOX", "Sent Items", "Inbox/Projects" -> "INBOX/Projects")
  wellKnown?: string; // Graph well-known name: inbox, sentitems, deleteditems, archive, drafts, junkemail
  specialUse?: string; // IMAP special-use flag
  uidValidity: number;
  uidNext: number;
  messages: StoredMessage[]; // sorted by uid
  byUid: Map<number, StoredMessage>;
  removed: { id: string; modseq: number }[]; // tombstones for Graph delta
};

export type MailboxEvents = {
  exists: [folder: Folder, added: StoredMessage[]];
  expunge: [folder: Folder, uids: number[]];
  flags: [folder: Folder, msg: StoredMessage];
  folders: [];
};

type JournalOp =
  | ["F", string, string, number, string | null, string | null] // create folder: id, name, uidValidity, wellKnown, specialUse
  | ["R", string, string] // rename
  | ["X", string] // delete folder
  | ["V", string, number] // new UIDVALIDITY (UIDs are renumbered, as after a server-side rebuild)
  | ["A", string, number, string, number, number, number, string] // add: folder, uid, id, off, size, date, flags
  | ["S", string, number, string] // set flags
  | ["E", string, number] // expunge
  | ["D", number]; // delta epoch (invalidates delta tokens)

const DEFAULT_FOLDERS: [string, string, string | null][] = [
  ["INBOX", "inbox", null],
  ["Archive", "archive", "\\Archive"],
  ["Deleted Items", "deleteditems", "\\Trash"],
  ["Drafts", "drafts", "\\Drafts"],
  ["Junk Email", "junkemail", "\\Junk"],
  ["Sent Items", "sentitems", "\\Sent"],
];

export function newGraphId(prefix = "AAMkAD"): string {
  return prefix + randomBytes(30).toString("base64url");
}

function bsearch(msgs: StoredMessage[], uid: number): number {
  let lo = 0;
  let hi = msgs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const u = msgs[mid].uid;
    if (u === uid) return mid;
    if (u < uid) lo = mid + 1;
    else hi = mid - 1;
  }
  return -lo - 1;
}

export class MailboxStore extends EventEmitter<MailboxEvents> {
  readonly address: string;
  readonly folders: Folder[] = [];
  readonly byId = new Map<string, { folder: Folder; msg: StoredMessage }>();
  modseq = 1;
  deltaEpoch = 1;
  private blobFd: number;
  private journalFd: number;
  private blobSize: number;
  private lastUidValidity = 0;

  constructor(
    dir: string,
    address: string,
    private readonly now: () => Date,
  ) {
    super();
    this.setMaxListeners(0);
    this.address = address;
    fs.mkdirSync(dir, { recursive: true });
    const blobPath = path.join(dir, "blobs.dat");
    const journalPath = path.join(dir, "journal.log");
    this.blobFd = fs.openSync(blobPath, "a+");
    this.blobSize = fs.fstatSync(this.blobFd).size;
    const hasJournal = fs.existsSync(journalPath);
    if (hasJournal) this.replay(fs.readFileSync(journalPath, "utf8"));
    this.journalFd = fs.openSync(journalPath, "a");
    if (!hasJournal || this.folders.length === 0) {
      for (const [name, wk, su] of DEFAULT_FOLDERS) this.createFolder(name, wk, su);
    }
  }

  close() {
    fs.closeSync(this.blobFd);
    fs.closeSync(this.journalFd);
  }

  private write(ops: JournalOp[]) {
    if (ops.length) fs.writeSync(this.journalFd, ops.map((o) => JSON.stringify(o)).join("\n") + "\n");
  }

  private replay(text: string) {
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf("\n", start);
      if (end < 0) end = text.length;
      const line = text.slice(start, end);
      start = end + 1;
      if (!line) continue;
      let op: JournalOp;
      try {
        op = JSON.parse(line);
      } catch {
        continue; // a torn last line after a crash: ignore it
      }
      this.apply(op);
    }
  }

  private apply(op: JournalOp): unknown {
    switch (op[0]) {
      case "F": {
        const f: Folder = { id: op[1], name: op[2], uidValidity: op[3], uidNext: 1, messages: [], byUid: new Map(), removed: [] };
        if (op[4]) f.wellKnown = op[4];
        if (op[5]) f.specialUse = op[5];
        this.lastUidValidity = Math.max(this.lastUidValidity, op[3]);
        this.folders.push(f);
        return f;
      }
      case "R": {
        const f = this.folder(op[1]);
        if (f) f.name = op[2];
        return f;
      }
      case "X": {
        const i = this.folders.findIndex((f) => f.id === op[1]);
        if (i >= 0) {
          for (const m of this.folders[i].messages) this.byId.delete(m.id);
          this.folders.splice(i, 1);
        }
        return;
      }
      case "V": {
        const f = this.folder(op[1]);
        if (!f) return;
        f.uidValidity = op[2];
        this.lastUidValidity = Math.max(this.lastUidValidity, op[2]);
        f.byUid.clear();
        let uid = 1;
        for (const m of f.messages) {
          m.uid = uid++;
          f.byUid.set(m.uid, m);
        }
        f.uidNext = uid;
        return f;
      }
      case "A": {
        const f = this.folder(op[1]);
        if (!f) return;
        const modseq = ++this.modseq;
        const m: StoredMessage = {
          uid: op[2],
          id: op[3],
          off: op[4],
          size: op[5],
          date: op[6],
          flags: op[7] ? op[7].split(" ") : [],
          modseq,
          created: modseq,
        };
        f.messages.push(m); // UIDs only grow, so appending keeps the array sorted
        f.byUid.set(m.uid, m);
        f.uidNext = Math.max(f.uidNext, m.uid + 1);
        this.byId.set(m.id, { folder: f, msg: m });
        return m;
      }
      case "S": {
        const m = this.folder(op[1])?.byUid.get(op[2]);
        if (m) {
          m.flags = op[3] ? op[3].split(" ") : [];
          m.modseq = ++this.modseq;
        }
        return m;
      }
      case "E": {
        const f = this.folder(op[1]);
        if (!f) return;
        const i = bsearch(f.messages, op[2]);
        if (i < 0) return;
        const [m] = f.messages.splice(i, 1);
        f.byUid.delete(m.uid);
        this.byId.delete(m.id);
        f.removed.push({ id: m.id, modseq: ++this.modseq });
        return m;
      }
      case "D":
        this.deltaEpoch = op[1];
        return;
    }
  }

  private commit(ops: JournalOp[]) {
    this.write(ops);
    return ops.map((o) => this.apply(o));
  }

  folder(idOrName: string): Folder | undefined {
    const byId = this.folders.find((f) => f.id === idOrName);
    if (byId) return byId;
    const lower = idOrName.toLowerCase();
    return this.folders.find((f) => f.wellKnown === lower) ?? this.folderByPath(idOrName);
  }

  folderByPath(name: string): Folder | undefined {
    const norm = (n: string) => (/^inbox(\/|$)/i.test(n) ? "INBOX" + n.slice(5) : n);
    const want = norm(name);
    return this.folders.find((f) => f.name === want) ?? this.folders.find((f) => f.name.toLowerCase() === want.toLowerCase());
  }

  private nextUidValidity() {
    // Strictly increasing, seconds-based like most servers, so a reset is always a new value.
    this.lastUidValidity = Math.max(this.lastUidValidity + 1, Math.floor(this.now().getTime() / 1000) % 2_000_000_000);
    return this.lastUidValidity;
  }

  createFolder(name: string, wellKnown: string | null = null, specialUse: string | null = null): Folder {
    const f = this.commit([["F", newGraphId("AAMkAC"), name, this.nextUidValidity(), wellKnown, specialUse]])[0] as Folder;
    this.emit("folders");
    return f;
  }

  renameFolder(folder: Folder, newName: string) {
    const prefix = folder.name + "/";
    const ops: JournalOp[] = [["R", folder.id, newName]];
    for (const f of this.folders) if (f.name.startsWith(prefix)) ops.push(["R", f.id, newName + "/" + f.name.slice(prefix.length)]);
    this.commit(ops);
    this.emit("folders");
  }

  deleteFolder(folder: Folder) {
    const ops: JournalOp[] = [];
    for (const m of folder.messages) ops.push(["E", folder.id, m.uid]);
    ops.push(["X", folder.id]);
    this.commit(ops);
    this.emit("folders");
  }

  resetUidValidity(folder: Folder): number {
    this.commit([["V", folder.id, this.nextUidValidity()]]);
    return folder.uidValidity;
  }

  invalidateDeltaTokens() {
    this.commit([["D", this.deltaEpoch + 1]]);
  }

  /** Appends messages; raw MIME goes to the blob file in one write. */
  append(folder: Folder, items: { raw: Buffer; flags?: string[]; date?: Date }[], quiet = false): StoredMessage[] {
    if (!items.length) return [];
    const ops: JournalOp[] = [];
    const chunks: Buffer[] = [];
    let off = this.blobSize;
    let uid = folder.uidNext;
    const nowMs = this.now().getTime();
    for (const it of items) {
      chunks.push(it.raw);
      ops.push(["A", folder.id, uid++, newGraphId(), off, it.raw.length, it.date ? it.date.getTime() : nowMs, (it.flags ?? []).join(" ")]);
      off += it.raw.length;
    }
    const blob = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    let written = 0;
    while (written < blob.length) written += fs.writeSync(this.blobFd, blob, written, blob.length - written);
    this.blobSize = off;
    const added = this.commit(ops) as StoredMessage[];
    if (!quiet) this.emit("exists", folder, added);
    return added;
  }

  readRaw(msg: StoredMessage): Buffer {
    const buf = Buffer.allocUnsafe(msg.size);
    let read = 0;
    while (read < msg.size) {
      const n = fs.readSync(this.blobFd, buf, read, msg.size - read, msg.off + read);
      if (n <= 0) break;
      read += n;
    }
    return buf;
  }

  setFlags(folder: Folder, msg: StoredMessage, flags: string[]) {
    const uniq = [...new Set(flags)];
    if (uniq.length === msg.flags.length && uniq.every((f) => msg.flags.includes(f))) return;
    this.commit([["S", folder.id, msg.uid, uniq.join(" ")]]);
    this.emit("flags", folder, msg);
  }

  expunge(folder: Folder, uids: number[]) {
    const ops: JournalOp[] = uids.filter((u) => folder.byUid.has(u)).map((u) => ["E", folder.id, u]);
    if (!ops.length) return [];
    this.commit(ops);
    const done = ops.map((o) => o[2] as number);
    this.emit("expunge", folder, done);
    return done;
  }

  /** Copies messages (same blob, new UID and Graph id). Returns [sourceUid, newMessage] pairs. */
  copy(from: Folder, uids: number[], to: Folder): [number, StoredMessage][] {
    const ops: JournalOp[] = [];
    let uid = to.uidNext;
    const src: number[] = [];
    for (const u of uids) {
      const m = from.byUid.get(u);
      if (!m) continue;
      src.push(u);
      ops.push(["A", to.id, uid++, newGraphId(), m.off, m.size, m.date, m.flags.join(" ")]);
    }
    const added = this.commit(ops) as StoredMessage[];
    if (added.length) this.emit("exists", to, added);
    return src.map((u, i) => [u, added[i]]);
  }

  move(from: Folder, uids: number[], to: Folder): [number, StoredMessage][] {
    const pairs = this.copy(from, uids, to);
    this.expunge(
      from,
      pairs.map((p) => p[0]),
    );
    return pairs;
  }

  messageCount() {
    return this.folders.reduce((n, f) => n + f.messages.length, 0);
  }
}
