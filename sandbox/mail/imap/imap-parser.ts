// IMAP command reader: splits the byte stream into commands, handling synchronizing ({n}) and
// non-synchronizing ({n+}, LITERAL+) literals, then tokenizes atoms, quoted strings, literals and
// parenthesized lists. Fetch attributes like BODY.PEEK[HEADER.FIELDS (A B)]<0.10> stay one atom.

export type Tok = { t: "atom"; v: string } | { t: "str"; v: string; buf?: Buffer } | { t: "list"; v: Tok[] };

export type RawCommand = { text: string; literals: Buffer[] };

const LITERAL_MARK = "\u0000";

/**
 * Incremental reader. feed() bytes; it calls onCommand for complete commands and onContinue
 * when the client waits for a "+" before sending a synchronizing literal.
 */
export class CommandReader {
  private buf: Buffer = Buffer.alloc(0);
  private text = "";
  private literals: Buffer[] = [];
  private needLiteral = -1;
  maxLiteral = 160 * 1024 * 1024;
  /** When set, lines go to this handler raw (AUTHENTICATE continuation, IDLE's DONE). */
  lineMode: ((line: string) => void) | null = null;

  constructor(
    private readonly onCommand: (cmd: RawCommand) => void,
    private readonly onContinue: () => void,
    private readonly onError: (msg: string) => void,
  ) {}

  feed(chunk: Buffer) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      if (this.needLiteral >= 0) {
        if (this.buf.length < this.needLiteral) return;
        this.literals.push(Buffer.from(this.buf.subarray(0, this.needLiteral)));
        this.text += LITERAL_MARK + (this.literals.length - 1) + LITERAL_MARK;
        this.buf = this.buf.subarray(this.needLiteral);
        this.needLiteral = -1;
        continue;
      }
      const nl = this.buf.indexOf(10);
      if (nl < 0) {
        if (this.buf.length > 1024 * 1024) this.onError("Command line too long");
        return;
      }
      let line = this.buf.subarray(0, nl).toString("latin1");
      this.buf = this.buf.subarray(nl + 1);
      if (line.endsWith("\r")) line = line.slice(0, -1);
      if (this.lineMode && !this.text) {
        this.lineMode(line);
        continue;
      }
      const lit = /\{(\d+)(\+?)\}$/.exec(line);
      if (lit) {
        const n = Number(lit[1]);
        this.text += line.slice(0, lit.index);
        if (n > this.maxLiteral) {
          this.text = "";
          this.literals = [];
          this.onError("Literal too large");
          continue;
        }
        this.needLiteral = n;
        if (!lit[2]) this.onContinue();
        continue;
      }
      this.text += line;
      const cmd = { text: this.text, literals: this.literals };
      this.text = "";
      this.literals = [];
      this.onCommand(cmd);
    }
  }
}

export function tokenize(cmd: RawCommand): Tok[] {
  const s = cmd.text;
  let i = 0;
  const parseList = (close: string | null): Tok[] => {
    const out: Tok[] = [];
    while (i < s.length) {
      const c = s[i];
      if (c === " ") {
        i++;
        continue;
      }
      if (close && c === close) {
        i++;
        return out;
      }
      if (c === "(") {
        i++;
        out.push({ t: "list", v: parseList(")") });
        continue;
      }
      if (c === '"') {
        i++;
        let v = "";
        while (i < s.length && s[i] !== '"') {
          if (s[i] === "\\" && i + 1 < s.length) i++;
          v += s[i++];
        }
        i++;
        out.push({ t: "str", v: Buffer.from(v, "latin1").toString("utf8") });
        continue;
      }
      if (c === LITERAL_MARK) {
        const end = s.indexOf(LITERAL_MARK, i + 1);
        const buf = cmd.literals[Number(s.slice(i + 1, end))];
        i = end + 1;
        out.push({ t: "str", v: buf.toString("utf8"), buf });
        continue;
      }
      let v = "";
      while (i < s.length && s[i] !== " " && s[i] !== ")" && s[i] !== "(") {
        if (s[i] === "[") {
          // Keep a bracketed section (which may contain spaces and parens) inside the atom.
          let depth = 0;
          while (i < s.length) {
            const ch = s[i];
            v += ch;
            i++;
            if (ch === "[") depth++;
            else if (ch === "]" && --depth === 0) break;
          }
          continue;
        }
        v += s[i++];
      }
      out.push({ t: "atom", v });
    }
    return out;
  };
  return parseList(null);
}

export function tokStr(t: Tok | undefined): string | undefined {
  if (!t || t.t === "list") return undefined;
  return t.v;
}

/** IMAP string output from a binary (latin1) string: quoted when safe, literal otherwise. */
export function imapString(v: string | null | undefined): string {
  if (v === null || v === undefined) return "NIL";
  if (/^[\x20-\x7e]*$/.test(v) && v.length < 1000) return '"' + v.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
  return `{${v.length}}\r\n` + v;
}

/** Mailbox names: atoms when possible (as Exchange prints INBOX, Archive), quoted otherwise. */
export function imapMailboxName(v: string): string {
  return /^[A-Za-z0-9._/-]+$/.test(v) ? v : imapString(v);
}
