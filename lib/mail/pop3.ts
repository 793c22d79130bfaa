// The POP3 transport: a minimal client over implicit TLS for what the sync and the connection test
// need (RFC 1939 + RFC 2449 UIDL, AUTH XOAUTH2 as Exchange does it): sign in, count, list unique
// ids, retrieve, delete, quit. The only POP3 client in the product, and the one place POP3 replies
// become failures; the sign-in exchange lives in connect() alone, so a change to it lands once.
import tls from "node:tls";
import type { TCloudHosts } from "../microsoft/clouds";
import { buildXOAuth2 } from "../microsoft/xoauth2";
import { failureFromNetworkError, redact, type TMicrosoftFailure } from "../microsoft/parse-error";
import type { TraceRecorder } from "../trace/trace-context";
import { traceFor } from "./trace-hooks";

export class Pop3Error extends Error {
  constructor(readonly reply: string) {
    super(reply);
  }
}

/** A SASL continuation ("+" or "+ <data>"), not a "+OK" reply. */
const isContinuation = (line: string) => line === "+" || line.startsWith("+ ");

export class Pop3Client {
  private sock!: tls.TLSSocket;
  private buf = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  private closedErr: Error | null = null;
  /** The mailbox's trace (lib/trace), when its switch is on. */
  private trace: TraceRecorder | undefined;

  /** Writes one command line; `shown`: what the trace records instead (the SASL payload). */
  private send(line: string, shown = line) {
    this.trace?.add("pop", ">", shown);
    this.sock.write(`${line}\r\n`);
  }

  static async connect(opts: { host: string; port: number; user: string; accessToken: string; timeoutMs?: number }) {
    const c = new Pop3Client();
    c.trace = traceFor(opts.user, opts.accessToken);
    c.trace?.add("pop", "*", `connecting to ${opts.host}:${opts.port} (TLS)`);
    await new Promise<void>((resolve, reject) => {
      c.sock = tls.connect({ host: opts.host, port: opts.port, servername: opts.host }, () => resolve());
      c.sock.setTimeout(opts.timeoutMs ?? 30_000, () => c.sock.destroy(Object.assign(new Error("POP3 timed out"), { code: "ETIMEDOUT" })));
      c.sock.once("error", reject);
      c.sock.on("data", (d: Buffer) => {
        c.buf = Buffer.concat([c.buf, d]);
        c.waiter?.();
      });
      c.sock.on("close", () => {
        c.closedErr ??= new Error("POP3 connection closed");
        c.waiter?.();
      });
      c.sock.on("error", (e) => {
        c.closedErr = e;
        c.waiter?.();
      });
    });
    const greeting = await c.line();
    if (!greeting.startsWith("+OK")) throw new Pop3Error(greeting);
    // Exchange Online takes XOAUTH2 only in two steps: `AUTH XOAUTH2`, its "+ " continuation, then
    // the payload on a line of its own. The one-line form with the payload as an initial response
    // gets "-ERR Protocol error. Connection is closed. 10" and the connection closes.
    c.send("AUTH XOAUTH2");
    let r = await c.line();
    if (isContinuation(r)) {
      c.send(buildXOAuth2(opts.user, opts.accessToken), "[XOAUTH2 payload]");
      r = await c.line();
      if (isContinuation(r)) {
        c.send(""); // an error challenge (SASL): an empty answer gets the final reply
        r = await c.line();
      }
    }
    if (!r.startsWith("+OK")) throw new Pop3Error(r.startsWith("-ERR") ? r : `-ERR ${r}`);
    return c;
  }

  private async until(pred: () => number): Promise<number> {
    for (;;) {
      const i = pred();
      if (i >= 0) return i;
      if (this.closedErr) throw this.closedErr;
      await new Promise<void>((r) => (this.waiter = r));
      this.waiter = null;
    }
  }

  private async line(): Promise<string> {
    const i = await this.until(() => this.buf.indexOf("\r\n"));
    const l = this.buf.subarray(0, i).toString("latin1");
    this.buf = this.buf.subarray(i + 2);
    this.trace?.add("pop", "<", l);
    return l;
  }

  /** A multi-line answer's body, dot-unstuffed, without the terminating ".". */
  private async multiline(): Promise<Buffer> {
    const end = await this.until(() =>
      this.buf.subarray(0, 3).equals(Buffer.from(".\r\n")) ? 0 : ((i) => (i >= 0 ? i + 2 : -1))(this.buf.indexOf("\r\n.\r\n")),
    );
    const body = this.buf.subarray(0, end);
    this.buf = this.buf.subarray(end + 3);
    this.trace?.add("pop", "<", `(${body.length} bytes not recorded)`);
    return Buffer.from(body.toString("latin1").replace(/^\.\./gm, "."), "latin1");
  }

  private async command(cmd: string, multi: boolean): Promise<{ status: string; body: Buffer }> {
    this.send(cmd);
    const status = await this.line();
    if (!status.startsWith("+OK")) throw new Pop3Error(status);
    return { status, body: multi ? await this.multiline() : Buffer.alloc(0) };
  }

  /** STAT: how many messages wait, and their total size. */
  async stat(): Promise<{ count: number; size: number }> {
    const { status } = await this.command("STAT", false);
    const m = status.match(/^\+OK (\d+) (\d+)/);
    if (!m) throw new Pop3Error(status);
    return { count: Number(m[1]), size: Number(m[2]) };
  }

  async uidl(): Promise<{ n: number; uid: string }[]> {
    const { body } = await this.command("UIDL", true);
    return body
      .toString("latin1")
      .split("\r\n")
      .filter(Boolean)
      .map((l) => {
        const [n, uid] = l.split(" ");
        return { n: Number(n), uid };
      });
  }

  /** Message sizes in octets (LIST), by message number. */
  async list(): Promise<Map<number, number>> {
    const { body } = await this.command("LIST", true);
    return new Map(
      body
        .toString("latin1")
        .split("\r\n")
        .filter(Boolean)
        .map((l) => l.split(" ").map(Number) as [number, number]),
    );
  }

  /** The headers and the first `lines` body lines (TOP), without downloading the whole message. */
  async top(n: number, lines: number): Promise<Buffer> {
    return (await this.command(`TOP ${n} ${lines}`, true)).body;
  }

  async retr(n: number): Promise<Buffer> {
    return (await this.command(`RETR ${n}`, true)).body;
  }

  async dele(n: number): Promise<void> {
    await this.command(`DELE ${n}`, false);
  }

  /** QUIT commits the deletions (the UPDATE state); closing without it would roll them back. */
  async quit(): Promise<void> {
    try {
      await this.command("QUIT", false);
    } finally {
      this.sock.end();
    }
  }

  close() {
    this.sock.destroy();
  }
}

/** A signed-in POP3 session for `user` with an access token. */
export function openPop3(o: {
  hosts: Pick<TCloudHosts, "pop">;
  user: string;
  accessToken: string;
  timeoutMs?: number;
}): Promise<Pop3Client> {
  return Pop3Client.connect({
    host: o.hosts.pop.host,
    port: o.hosts.pop.port,
    user: o.user,
    accessToken: o.accessToken,
    timeoutMs: o.timeoutMs,
  });
}

export function failureFromPopReply(line: string): TMicrosoftFailure {
  return {
    source: "pop",
    imapKind: /authentication failure|bad password/i.test(line) ? "auth_failed" : "other",
    message: redact(line.trim()),
  };
}

/**
 * Whether a signed-in session was ended by the server rather than refused: the token it signed in
 * with expired ("-ERR Session invalidated - AccessTokenExpired", then the connection closes), or the
 * connection was closed or reset under it. A new sign-in with a fresh token is the way on.
 */
export function popSessionEnded(err: unknown): boolean {
  if (err instanceof Pop3Error) return /AccessTokenExpired|session invalidated|connection is closed/i.test(err.reply);
  const e = err as { message?: string; code?: string } | null;
  return e?.message === "POP3 connection closed" || e?.code === "ECONNRESET" || e?.code === "EPIPE";
}

/** Any error a POP3 session threw, as one failure: a server reply, or the network. */
export function popFailure(err: unknown): TMicrosoftFailure {
  return err instanceof Pop3Error ? failureFromPopReply(err.reply) : failureFromNetworkError(err);
}
