// The one mail store shared by IMAP, POP, SMTP and Graph: mailboxes are opened lazily (and kept
// open) under <dataDir>/mail/<address>/. Also holds the runtime switches the admin API flips
// (connection limits, faults) and the outbox of mail to external recipients.
import fs from "node:fs";
import path from "node:path";
import type { SandboxContext } from "../../contracts";
import { MailboxStore } from "./mailbox-store";

export type OutboxEntry = { id: string; at: string; from: string; to: string[]; size: number; subject: string; via: "smtp" | "graph" };

export type MailFaults = {
  dropAfterBytes?: number; // IMAP: close the connection once this many FETCH bytes were sent
  dropAfterMessages?: number; // IMAP: close after this many FETCH responses
  stallSeconds?: number; // delay the greeting of the next connection(s)
  throttleCommands?: boolean; // IMAP: answer SELECT/EXAMINE/STATUS/FETCH/SEARCH with Exchange's throttling reply
  remaining: number; // how many next connections the fault applies to
};

export class MailStore {
  private readonly boxes = new Map<string, MailboxStore>();
  readonly outbox: OutboxEntry[] = [];
  readonly faults = new Map<string, MailFaults>(); // by mailbox address
  connectionLimit = 20; // per mailbox and protocol (Exchange's documented 20 for IMAP and POP)
  readonly connections = new Map<string, number>(); // `${proto}|${address}` -> open sessions
  refs = 0;

  constructor(readonly ctx: SandboxContext) {}

  get root() {
    return path.join(this.ctx.dataDir, "mail");
  }

  /** Opens (creating if needed) the store of a mailbox address. Caller checks it exists in the directory. */
  mailbox(address: string): MailboxStore {
    const a = address.toLowerCase();
    let box = this.boxes.get(a);
    if (!box) {
      box = new MailboxStore(path.join(this.root, a.replace(/[^a-z0-9@._-]/g, "_")), a, () => this.ctx.now());
      this.boxes.set(a, box);
    }
    return box;
  }

  /** Mailbox store when the address is a mailbox in the directory (licensed user or shared). */
  existing(address: string): MailboxStore | undefined {
    const owner = this.ctx.directory.resolveMailbox(address);
    if (!owner || (owner.kind === "user" && !owner.user.isLicensed)) return undefined;
    return this.mailbox(owner.address);
  }

  /** Takes one fault "ticket" for a new connection to the mailbox, if one is armed. */
  takeFault(address: string): MailFaults | undefined {
    const f = this.faults.get(address.toLowerCase());
    if (!f || f.remaining <= 0) return undefined;
    f.remaining--;
    if (f.remaining <= 0) this.faults.delete(address.toLowerCase());
    return f;
  }

  close() {
    for (const b of this.boxes.values()) b.close();
    this.boxes.clear();
  }

  wipe() {
    this.close();
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

// IMAP/POP/SMTP and Graph are separate services but must share one store per sandbox.
const stores = new Map<string, MailStore>();

export function acquireMailStore(ctx: SandboxContext): MailStore {
  const key = path.resolve(ctx.dataDir);
  let s = stores.get(key);
  if (!s) {
    s = new MailStore(ctx);
    stores.set(key, s);
  }
  s.refs++;
  return s;
}

export function peekMailStore(ctx: SandboxContext): MailStore {
  const s = stores.get(path.resolve(ctx.dataDir));
  return s ?? acquireMailStore(ctx);
}

export function releaseMailStore(store: MailStore) {
  if (--store.refs > 0) return;
  store.close();
  for (const [k, v] of stores) if (v === store) stores.delete(k);
}
