// One IMAP connection, speaking as outlook.office365.com does (texts and their sources: see
// sandbox/FIDELITY.md, Exchange Online: IMAP).
import type { TLSSocket } from "node:tls";
import type { SandboxContext } from "../../contracts";
import { checkMailAccess, decodeXoauth2 } from "../access";
import type { MailFaults, MailStore } from "../store/mail-store";
import type { Folder, MailboxStore, StoredMessage } from "../store/mailbox-store";
import { CommandReader, imapMailboxName, tokenize, tokStr, type RawCommand, type Tok } from "./imap-parser";
import { parseImapDate } from "./imap-format";
import { parseFetchItems, renderFetch } from "./imap-fetch";
import { compileSearch } from "./imap-search";
import { compactSet, resolveSet } from "./sequence-set";

export const CAPS_PRE = "IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+";
export const CAPS_POST =
  "IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS MOVE ID UNSELECT CLIENTACCESSRULES CLIENTNETWORKPRESENCELOCATION BACKENDAUTHENTICATE CHILDREN IDLE NAMESPACE LITERAL+";
const FLAGS = "\\Seen \\Answered \\Flagged \\Deleted \\Draft $MDNSent";

type State = "notauth" | "auth" | "notconnected" | "selected" | "logout";

export class ImapSession {
  private state: State = "notauth";
  private reader: CommandReader;
  private queue: RawCommand[] = [];
  private busy = false;
  private box?: MailboxStore;
  private address = "";
  private folder?: Folder;
  private readOnly = false;
  private view: number[] = []; // UIDs of the selected folder as this client knows them
  private knownValidity = 0;
  private pendingExpunge = new Set<number>();
  private pendingFlags = new Set<number>();
  private ownStore = false;
  private idleTag: string | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private fetchedBytes = 0;
  private fetchedMessages = 0;
  private fault?: MailFaults;
  private counted = false;
  private closed = false;
  /** The exp claim (ms) of the access token given at AUTHENTICATE: the session dies with it. */
  private tokenExp = 0;
  /** Commands refused in the "authenticated but not connected" state so far. */
  private notConnectedRefusals = 0;

  constructor(
    private readonly ctx: SandboxContext,
    private readonly store: MailStore,
    private readonly socket: TLSSocket,
  ) {
    this.reader = new CommandReader(
      (c) => this.enqueue(c),
      () => this.send("+ Ready for additional command text.\r\n"),
      (msg) => this.send(`* BAD ${msg}\r\n`),
    );
    socket.on("data", (d) => this.reader.feed(d));
    socket.on("close", () => this.cleanup());
    socket.on("error", () => this.cleanup());
  }

  greet() {
    // Exchange puts base64(UTF-16LE backend FQDN) in brackets.
    const fqdn = Buffer.from("MW2PR1901MB2155.namprd19.prod.outlook.com", "utf16le").toString("base64");
    this.send(`* OK The Microsoft Exchange IMAP4 service is ready. [${fqdn}]\r\n`);
  }

  private send(s: string | Buffer): boolean {
    if (this.closed || this.socket.destroyed) return false;
    return this.socket.write(typeof s === "string" ? Buffer.from(s, "latin1") : s);
  }

  private async drain() {
    if (this.socket.writableNeedDrain && !this.socket.destroyed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.socket.off("drain", done);
          this.socket.off("close", done);
          resolve();
        };
        this.socket.on("drain", done);
        this.socket.on("close", done);
      });
    }
  }

  private bye(text: string) {
    this.send(`* BYE ${text}\r\n`);
    this.state = "logout";
    this.socket.end();
  }

  private cleanup() {
    if (this.closed) return;
    this.closed = true;
    // Unblock a command waiting for a continuation line (IDLE's DONE, AUTHENTICATE's response).
    const pending = this.reader.lineMode;
    if (pending) pending("*");
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.detach();
    if (this.counted) {
      const key = `imap|${this.address}`;
      this.store.connections.set(key, Math.max(0, (this.store.connections.get(key) ?? 1) - 1));
    }
  }

  private enqueue(c: RawCommand) {
    this.queue.push(c);
    if (!this.busy) void this.pump();
  }

  private async pump() {
    this.busy = true;
    while (this.queue.length && !this.closed) {
      const c = this.queue.shift()!;
      try {
        await this.handle(c);
      } catch (e) {
        this.ctx.log("imap command failed", { error: (e as Error).message });
        const tag = /^(\S+)/.exec(c.text)?.[1] ?? "*";
        this.send(`${tag} BAD Command Error. 10\r\n`);
      }
    }
    this.busy = false;
  }

  private async handle(c: RawCommand) {
    const toks = tokenize(c);
    const tag = tokStr(toks[0]);
    let name = tokStr(toks[1])?.toUpperCase();
    if (!tag || !name) {
      this.send(`${tag ?? "*"} BAD Command Error. 10\r\n`);
      return;
    }
    let args = toks.slice(2);
    let byUid = false;
    if (name === "UID") {
      byUid = true;
      name = (tokStr(args[0]) ?? "").toUpperCase();
      args = args.slice(1);
    }
    if (this.sessionExpired()) {
      // The access token given at AUTHENTICATE has expired: whatever the command, Exchange ends the
      // session without a tagged reply (aioimaplib#83: LIST; imap-backup#198: UID FETCH).
      this.bye("Session invalidated - AccessTokenExpired");
      return;
    }
    if (this.state === "notconnected" && !["CAPABILITY", "LOGOUT"].includes(name)) {
      // Exchange's answer when the token is fine but the mailbox named in user= is not reachable:
      // the first refused command gets the tagged BAD alone, the second the BAD and a BYE
      // (MailKit#1496: NAMESPACE, then LIST; email-oauth2-proxy#74: SELECT, then EXPUNGE).
      this.send(`${tag} BAD User is authenticated but not connected.\r\n`);
      if (++this.notConnectedRefusals >= 2) this.bye("Connection closed. 14");
      return;
    }
    if (this.fault?.throttleCommands && ["SELECT", "EXAMINE", "STATUS", "FETCH", "SEARCH"].includes(name)) {
      // Fault switch: Exchange throttles a running session's commands with the same reply it
      // gives at its connection limit (imapsync#212).
      this.send(`${tag} BAD Request is throttled. Suggested Backoff Time: 299961 milliseconds\r\n`);
      return;
    }
    const ok = (text: string) => this.send(`${tag} OK ${text}\r\n`);
    const authed = this.state === "auth" || this.state === "selected" || this.state === "notconnected";
    switch (name) {
      case "CAPABILITY":
        this.send(`* CAPABILITY ${authed ? CAPS_POST : CAPS_PRE}\r\n`);
        return ok("CAPABILITY completed.");
      case "NOOP":
      case "CHECK":
        this.flush(true);
        return ok(`${name} completed.`);
      case "ID":
        this.send(`* ID ("name" "Microsoft.Exchange.Imap4.Imap4Server" "version" "15.20")\r\n`);
        return ok("ID completed.");
      case "LOGOUT":
        this.send("* BYE Microsoft Exchange Server IMAP4 server signing off.\r\n");
        ok("LOGOUT completed.");
        this.state = "logout";
        this.socket.end();
        return;
      case "STARTTLS":
        return this.send(`${tag} BAD Command received in Invalid state.\r\n`);
      case "LOGIN":
        // Basic auth is off in Exchange Online.
        return this.send(`${tag} NO LOGIN failed.\r\n`);
      case "AUTHENTICATE":
        return this.authenticate(tag, args);
    }
    if (!authed) return this.send(`${tag} BAD Command received in Invalid state.\r\n`);
    switch (name) {
      case "NAMESPACE":
        this.send(`* NAMESPACE (("" "/")) NIL NIL\r\n`);
        return ok("NAMESPACE completed.");
      case "ENABLE":
        return ok("ENABLE completed.");
      case "LIST":
      case "LSUB":
        return this.list(tag, name, args);
      case "STATUS":
        return this.status(tag, args);
      case "SELECT":
      case "EXAMINE":
        return this.select(tag, name, args);
      case "CREATE":
      case "DELETE":
      case "RENAME":
      case "SUBSCRIBE":
      case "UNSUBSCRIBE":
        return this.folderOp(tag, name, args);
      case "APPEND":
        return this.append(tag, args);
      case "IDLE":
        return this.idle(tag);
    }
    if (this.state !== "selected" || !this.folder) return this.send(`${tag} BAD Command received in Invalid state.\r\n`);
    switch (name) {
      case "FETCH":
        await this.fetch(tag, args, byUid);
        if (byUid) this.flush(false);
        return ok("FETCH completed.");
      case "SEARCH":
        return this.search(tag, args, byUid);
      case "STORE":
        return this.storeFlags(tag, args, byUid);
      case "COPY":
      case "MOVE":
        return this.copyMove(tag, name, args, byUid);
      case "EXPUNGE":
        return this.expunge(tag, byUid ? tokStr(args[0]) : undefined);
      case "CLOSE":
      case "UNSELECT":
        if (name === "CLOSE" && !this.readOnly) this.expungeDeleted(undefined, true);
        this.detach();
        this.state = "auth";
        return ok(`${name} completed.`);
    }
    this.send(`${tag} BAD Command Error. 10\r\n`);
  }

  // --- authentication ----------------------------------------------------------------------
  private async authenticate(tag: string, args: Tok[]) {
    if (this.state !== "notauth") return this.send(`${tag} BAD Command received in Invalid state.\r\n`);
    const mech = (tokStr(args[0]) ?? "").toUpperCase();
    if (mech !== "XOAUTH2" && mech !== "PLAIN") return this.send(`${tag} NO AUTHENTICATE failed.\r\n`);
    let ir = tokStr(args[1]);
    if (ir === undefined) {
      this.send("+ \r\n");
      ir = await new Promise<string>((resolve) => {
        this.reader.lineMode = (line) => {
          this.reader.lineMode = null;
          resolve(line);
        };
      });
      if (ir === "*") return this.send(`${tag} BAD AUTHENTICATE failed.\r\n`);
    }
    if (mech === "PLAIN") return this.send(`${tag} NO AUTHENTICATE failed.\r\n`); // basic auth disabled
    const xo = decodeXoauth2(ir);
    if (!xo) return this.send(`${tag} NO AUTHENTICATE failed.\r\n`);
    const access = await checkMailAccess(this.ctx, xo, "imap");
    if (access.result === "auth_failed") {
      this.ctx.log("imap auth failed", { user: xo.user, reason: access.reason });
      return this.send(`${tag} NO AUTHENTICATE failed.\r\n`);
    }
    if (access.result === "not_connected") {
      this.ctx.log("imap authenticated but not connected", { user: xo.user, reason: access.reason });
      this.state = "notconnected";
      this.tokenExp = access.claims.exp * 1000;
      return this.send(`${tag} OK AUTHENTICATE completed.\r\n`);
    }
    this.address = access.owner.address;
    const key = `imap|${this.address}`;
    const open = this.store.connections.get(key) ?? 0;
    if (open >= this.store.connectionLimit) {
      // The reply Exchange Online sends at its per-mailbox connection limit has no public trace
      // (see sandbox/FIDELITY.md, Exchange Online: IMAP); we use its throttling form, which clients already
      // classify as "back off", and close so the refused session does not hold a slot.
      this.send(`${tag} BAD Request is throttled. Suggested Backoff Time: 299961 milliseconds\r\n`);
      this.bye("Connection closed. 14");
      return;
    }
    this.store.connections.set(key, open + 1);
    this.counted = true;
    this.tokenExp = access.claims.exp * 1000;
    this.box = this.store.mailbox(this.address);
    this.fault = this.store.takeFault(this.address);
    this.state = "auth";
    if (this.fault?.stallSeconds) await new Promise((r) => setTimeout(r, this.fault!.stallSeconds! * 1000));
    this.send(`${tag} OK AUTHENTICATE completed.\r\n`);
  }

  // --- folders ------------------------------------------------------------------------------
  private folderArg(t: Tok | undefined): Folder | undefined {
    const name = tokStr(t);
    return name === undefined ? undefined : this.box!.folderByPath(name);
  }

  private list(tag: string, name: string, args: Tok[]) {
    const ref = tokStr(args[0]) ?? "";
    const pattern = tokStr(args[1]) ?? "";
    if (pattern === "") {
      this.send(`* ${name} (\\Noselect \\HasChildren) "/" ""\r\n`);
      return this.send(`${tag} OK ${name} completed.\r\n`);
    }
    const full = ref + pattern;
    const rx = new RegExp(
      "^" +
        full
          .split("")
          .map((ch) => (ch === "*" ? ".*" : ch === "%" ? "[^/]*" : ch.replace(/[.+?^${}()|[\]\\]/g, "\\$&")))
          .join("") +
        "$",
      "i",
    );
    const folders = [...this.box!.folders].sort((a, b) =>
      a.name === "INBOX" ? -1 : b.name === "INBOX" ? 1 : a.name.localeCompare(b.name),
    );
    for (const f of folders) {
      if (!rx.test(f.name)) continue;
      const hasKids = this.box!.folders.some((x) => x.name.startsWith(f.name + "/"));
      const attrs = [hasKids ? "\\HasChildren" : "\\HasNoChildren"];
      if (f.specialUse && name === "LIST") attrs.push(f.specialUse);
      if (f.name === "INBOX" && f.messages.some((m) => !m.flags.includes("\\Seen"))) attrs.unshift("\\Marked");
      this.send(`* ${name} (${attrs.join(" ")}) "/" ${imapMailboxName(f.name)}\r\n`);
    }
    this.send(`${tag} OK ${name} completed.\r\n`);
  }

  private status(tag: string, args: Tok[]) {
    const f = this.folderArg(args[0]);
    if (!f) return this.send(`${tag} NO The requested item could not be found.\r\n`);
    const items = args[1]?.t === "list" ? args[1].v.map((t) => (tokStr(t) ?? "").toUpperCase()) : [];
    const vals: string[] = [];
    for (const it of items) {
      if (it === "MESSAGES") vals.push(`MESSAGES ${f.messages.length}`);
      else if (it === "RECENT") vals.push("RECENT 0");
      else if (it === "UIDNEXT") vals.push(`UIDNEXT ${f.uidNext}`);
      else if (it === "UIDVALIDITY") vals.push(`UIDVALIDITY ${f.uidValidity}`);
      else if (it === "UNSEEN") vals.push(`UNSEEN ${f.messages.reduce((n, m) => n + (m.flags.includes("\\Seen") ? 0 : 1), 0)}`);
    }
    // Exchange ends the STATUS line with a space before CRLF (not RFC-clean; clients must cope):
    // modern-email/defects#9, duesee/imap-codec#468.
    this.send(`* STATUS ${imapMailboxName(f.name)} (${vals.join(" ")}) \r\n`);
    this.send(`${tag} OK STATUS completed.\r\n`);
  }

  private select(tag: string, name: string, args: Tok[]) {
    this.detach();
    this.state = "auth";
    const f = this.folderArg(args[0]);
    if (!f) return this.send(`${tag} NO The requested item could not be found.\r\n`);
    this.attach(f);
    this.readOnly = name === "EXAMINE";
    this.state = "selected";
    const firstUnseen = f.messages.findIndex((m) => !m.flags.includes("\\Seen"));
    this.send(`* ${this.view.length} EXISTS\r\n* 0 RECENT\r\n* FLAGS (${FLAGS})\r\n* OK [PERMANENTFLAGS (${FLAGS})] Permanent flags\r\n`);
    if (firstUnseen >= 0) this.send(`* OK [UNSEEN ${firstUnseen + 1}] Is the first unseen message\r\n`);
    this.send(`* OK [UIDVALIDITY ${f.uidValidity}] UIDVALIDITY value\r\n* OK [UIDNEXT ${f.uidNext}] The next unique identifier value\r\n`);
    this.send(`${tag} OK [${this.readOnly ? "READ-ONLY" : "READ-WRITE"}] ${name} completed.\r\n`);
  }

  private folderOp(tag: string, name: string, args: Tok[]) {
    const box = this.box!;
    const arg = tokStr(args[0]);
    if (!arg) return this.send(`${tag} BAD Command Argument Error. 11\r\n`);
    if (name === "SUBSCRIBE" || name === "UNSUBSCRIBE") return this.send(`${tag} OK ${name} completed.\r\n`);
    if (name === "CREATE") {
      const clean = arg.replace(/\/+$/, "");
      if (box.folderByPath(clean)) return this.send(`${tag} NO Folder already exists.\r\n`);
      const parts = clean.split("/");
      for (let i = 1; i <= parts.length; i++) {
        const p = parts.slice(0, i).join("/");
        if (!box.folderByPath(p)) box.createFolder(/^inbox$/i.test(parts[0]) ? "INBOX" + p.slice(5) : p);
      }
      return this.send(`${tag} OK CREATE completed.\r\n`);
    }
    const f = box.folderByPath(arg);
    if (!f) return this.send(`${tag} NO The requested item could not be found.\r\n`);
    if (name === "DELETE") {
      if (f.wellKnown) return this.send(`${tag} NO Special folders can not be deleted.\r\n`);
      if (this.folder === f) {
        this.detach();
        this.state = "auth";
      }
      for (const child of box.folders.filter((x) => x.name.startsWith(f.name + "/"))) box.deleteFolder(child);
      box.deleteFolder(f);
      return this.send(`${tag} OK DELETE completed.\r\n`);
    }
    const to = tokStr(args[1]);
    if (!to) return this.send(`${tag} BAD Command Argument Error. 11\r\n`);
    if (box.folderByPath(to)) return this.send(`${tag} NO Folder already exists.\r\n`);
    box.renameFolder(f, to);
    this.send(`${tag} OK RENAME completed.\r\n`);
  }

  private append(tag: string, args: Tok[]) {
    const f = this.folderArg(args[0]);
    let i = 1;
    let flags: string[] = [];
    let date: Date | undefined;
    if (args[i]?.t === "list") flags = (args[i++] as { v: Tok[] }).v.map((t) => tokStr(t) ?? "").filter(Boolean);
    const maybeDate = args[i];
    if (maybeDate && maybeDate.t === "str" && !maybeDate.buf) {
      date = parseImapDate(maybeDate.v);
      i++;
    }
    const lit = args[i];
    if (!lit || lit.t !== "str") return this.send(`${tag} BAD Command Argument Error. 11\r\n`);
    if (!f) return this.send(`${tag} NO [TRYCREATE] The requested item could not be found.\r\n`);
    const raw = lit.buf ?? Buffer.from(lit.v, "utf8");
    const [m] = this.box!.append(f, [{ raw, flags, date }]);
    this.flush(true);
    this.send(`${tag} OK [APPENDUID ${f.uidValidity} ${m.uid}] APPEND completed.\r\n`);
  }

  // --- selected state -----------------------------------------------------------------------
  private attach(f: Folder) {
    this.folder = f;
    this.view = f.messages.map((m) => m.uid);
    this.knownValidity = f.uidValidity;
    this.box!.on("exists", this.onExists);
    this.box!.on("expunge", this.onExpunge);
    this.box!.on("flags", this.onFlags);
  }

  private detach() {
    if (this.box) {
      this.box.off("exists", this.onExists);
      this.box.off("expunge", this.onExpunge);
      this.box.off("flags", this.onFlags);
    }
    this.folder = undefined;
    this.view = [];
    this.pendingExpunge.clear();
    this.pendingFlags.clear();
  }

  private onExists = (f: Folder) => {
    if (f === this.folder && this.idleTag) this.scheduleFlush();
  };
  private onExpunge = (f: Folder, uids: number[]) => {
    if (f !== this.folder) return;
    for (const u of uids) this.pendingExpunge.add(u);
    if (this.idleTag) this.scheduleFlush();
  };
  private onFlags = (f: Folder, m: StoredMessage) => {
    if (f !== this.folder || this.ownStore) return;
    this.pendingFlags.add(m.uid);
    if (this.idleTag) this.scheduleFlush();
  };

  /** True once the token given at AUTHENTICATE is past its exp claim (sandbox clock). */
  private sessionExpired() {
    return this.tokenExp > 0 && this.state !== "logout" && this.ctx.now().getTime() >= this.tokenExp;
  }

  private scheduleFlush() {
    // An IDLE session whose token has expired is dead: no more pushes (unverified either way; the
    // strict reading, so that a client cannot count on a session outliving its token).
    if (this.flushTimer || this.sessionExpired()) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.flush(true);
    }, 5);
  }

  /** Sends pending EXPUNGE / EXISTS / FLAGS updates for the selected folder. */
  private flush(allowExpunge: boolean) {
    const f = this.folder;
    if (!f || this.state !== "selected") return;
    if (f.uidValidity !== this.knownValidity) {
      // UIDs were renumbered under us; like a server rebuild, drop the client so it resyncs.
      return this.bye("Connection closed. 14");
    }
    if (allowExpunge && this.pendingExpunge.size) {
      for (let i = this.view.length - 1; i >= 0; i--) {
        if (this.pendingExpunge.has(this.view[i])) {
          this.send(`* ${i + 1} EXPUNGE\r\n`);
          this.view.splice(i, 1);
        }
      }
      this.pendingExpunge.clear();
    }
    const maxKnown = this.view.length ? this.view[this.view.length - 1] : 0;
    const last = f.messages.length ? f.messages[f.messages.length - 1].uid : 0;
    if (last > maxKnown) {
      let i = f.messages.length - 1;
      while (i > 0 && f.messages[i - 1].uid > maxKnown) i--;
      for (; i < f.messages.length; i++) if (f.messages[i].uid > maxKnown) this.view.push(f.messages[i].uid);
      this.send(`* ${this.view.length} EXISTS\r\n`);
    }
    if (this.pendingFlags.size) {
      for (const uid of this.pendingFlags) {
        const m = f.byUid.get(uid);
        const idx = this.view.indexOf(uid);
        if (m && idx >= 0) this.send(`* ${idx + 1} FETCH (FLAGS (${m.flags.join(" ")}) UID ${uid})\r\n`);
      }
      this.pendingFlags.clear();
    }
  }

  private idle(tag: string) {
    this.idleTag = tag;
    this.send("+ IDLE accepted, awaiting DONE command.\r\n");
    this.flush(true);
    return new Promise<void>((resolve) => {
      this.reader.lineMode = () => {
        this.reader.lineMode = null;
        this.idleTag = null;
        // DONE is the client's next command: with the token expired, it gets the BYE (a 48-byte
        // read right after DONE in the IDLE trace of pimalaya/mirador#6).
        if (this.sessionExpired()) {
          this.bye("Session invalidated - AccessTokenExpired");
          return resolve();
        }
        this.flush(true);
        this.send(`${tag} OK IDLE completed.\r\n`);
        resolve();
      };
    });
  }

  private async fetch(tag: string, args: Tok[], byUid: boolean) {
    const f = this.folder!;
    const idx = resolveSet(tokStr(args[0]) ?? "", this.view, byUid);
    const items = parseFetchItems(args.slice(1));
    if (!idx || !items) return void this.send(`${tag} BAD Command Argument Error. 11\r\n`);
    if (byUid && !items.some((i) => i.kind === "UID")) items.unshift({ kind: "UID" });
    const needRaw = items.some((i) => i.kind === "section" || i.kind === "ENVELOPE" || i.kind === "BODYSTRUCTURE" || i.kind === "BODY");
    const setsSeen = !this.readOnly && items.some((i) => i.kind === "section" && !i.peek);
    for (const k of idx) {
      if (this.closed) return;
      const uid = this.view[k];
      const m = f.byUid.get(uid);
      if (!m) continue; // expunged by another session; its EXPUNGE is still pending
      if (setsSeen && !m.flags.includes("\\Seen")) {
        this.ownStore = true;
        this.box!.setFlags(f, m, [...m.flags, "\\Seen"]);
        this.ownStore = false;
        if (!items.some((i) => i.kind === "FLAGS")) items.push({ kind: "FLAGS" });
      }
      const chunk = renderFetch(k + 1, m, items, needRaw ? this.box!.readRaw(m) : undefined);
      this.send(chunk);
      this.fetchedBytes += chunk.length;
      this.fetchedMessages++;
      if (
        this.fault &&
        ((this.fault.dropAfterBytes !== undefined && this.fetchedBytes >= this.fault.dropAfterBytes) ||
          (this.fault.dropAfterMessages !== undefined && this.fetchedMessages >= this.fault.dropAfterMessages))
      ) {
        // Fault switch: the server vanishes mid-fetch, as Exchange backends sometimes do.
        this.socket.destroy();
        return;
      }
      await this.drain();
    }
  }

  private search(tag: string, args: Tok[], byUid: boolean) {
    const f = this.folder!;
    let pred;
    try {
      pred = compileSearch(args, { uids: this.view, readRaw: (m) => this.box!.readRaw(m) });
    } catch {
      return this.send(`${tag} BAD Command Argument Error. 11\r\n`);
    }
    const hits: number[] = [];
    for (let i = 0; i < this.view.length; i++) {
      const m = f.byUid.get(this.view[i]);
      if (m && pred(m, i)) hits.push(byUid ? m.uid : i + 1);
    }
    this.send(`* SEARCH${hits.length ? " " + hits.join(" ") : ""}\r\n`);
    if (byUid) this.flush(true);
    this.send(`${tag} OK SEARCH completed.\r\n`);
  }

  private storeFlags(tag: string, args: Tok[], byUid: boolean) {
    if (this.readOnly) return this.send(`${tag} NO The folder is read-only.\r\n`);
    const f = this.folder!;
    const idx = resolveSet(tokStr(args[0]) ?? "", this.view, byUid);
    const op = (tokStr(args[1]) ?? "").toUpperCase();
    const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(op);
    if (!idx || !m) return this.send(`${tag} BAD Command Argument Error. 11\r\n`);
    const flagToks = args[2]?.t === "list" ? args[2].v : args.slice(2);
    const flags = flagToks.map((t) => tokStr(t) ?? "").filter(Boolean);
    this.ownStore = true;
    for (const k of idx) {
      const msg = f.byUid.get(this.view[k]);
      if (!msg) continue;
      const next =
        m[1] === "+"
          ? [...msg.flags, ...flags]
          : m[1] === "-"
            ? msg.flags.filter((x) => !flags.some((y) => y.toLowerCase() === x.toLowerCase()))
            : flags;
      this.box!.setFlags(f, msg, next);
      if (!m[2]) this.send(`* ${k + 1} FETCH (${byUid ? `UID ${msg.uid} ` : ""}FLAGS (${msg.flags.join(" ")}))\r\n`);
    }
    this.ownStore = false;
    if (byUid) this.flush(true);
    this.send(`${tag} OK STORE completed.\r\n`);
  }

  private copyMove(tag: string, name: string, args: Tok[], byUid: boolean) {
    const f = this.folder!;
    const idx = resolveSet(tokStr(args[0]) ?? "", this.view, byUid);
    const dest = this.folderArg(args[1]);
    if (!idx) return this.send(`${tag} BAD Command Argument Error. 11\r\n`);
    if (!dest) return this.send(`${tag} NO [TRYCREATE] The requested item could not be found.\r\n`);
    const uids = idx.map((k) => this.view[k]);
    const pairs = name === "MOVE" ? this.box!.move(f, uids, dest) : this.box!.copy(f, uids, dest);
    const code = pairs.length
      ? `[COPYUID ${dest.uidValidity} ${compactSet(pairs.map((p) => p[0]))} ${compactSet(pairs.map((p) => p[1].uid))}] `
      : "";
    if (name === "MOVE") {
      if (code) this.send(`* OK ${code}MOVE completed.\r\n`);
      this.flush(true);
      return this.send(`${tag} OK MOVE completed.\r\n`);
    }
    this.flush(true);
    this.send(`${tag} OK ${code}COPY completed.\r\n`);
  }

  private expungeDeleted(uidSet: string | undefined, silent = false) {
    const f = this.folder!;
    const allowed = uidSet ? new Set((resolveSet(uidSet, this.view, true) ?? []).map((k) => this.view[k])) : null;
    const uids = f.messages.filter((m) => m.flags.includes("\\Deleted") && (!allowed || allowed.has(m.uid))).map((m) => m.uid);
    this.box!.expunge(f, uids);
    if (silent) this.pendingExpunge.clear();
  }

  private expunge(tag: string, uidSet: string | undefined) {
    if (this.readOnly) return this.send(`${tag} NO The folder is read-only.\r\n`);
    this.expungeDeleted(uidSet);
    this.flush(true);
    this.send(`${tag} OK EXPUNGE completed.\r\n`);
  }
}
