import "server-only";
// The IMAP transport: every IMAP connection the product opens (sync, IDLE, connection test, test
// email) is made here, signed in with XOAUTH2 as `user` with an access token, with one set of
// options; and every IMAP error becomes a TMicrosoftFailure here, once. A reconnect on a token that
// expires mid-session belongs in this file too, so that it lands in one place for every caller.
import { ImapFlow } from "imapflow";
import type { TCloudHosts } from "../microsoft/clouds";
import { failureFromNetworkError, redact, type TMicrosoftFailure } from "../microsoft/parse-error";
import { imapTraceLogger, traceFor } from "./trace-hooks";

export type TImapOpen = { hosts: Pick<TCloudHosts, "imap">; user: string; accessToken: string };
/** `check`: the connection test, which must answer quickly; `watch`: an IDLE connection, silent
 *  for minutes, so the socket timeout is imapflow's own and IDLE is re-issued well before
 *  Exchange ends it (30 minutes). */
export type TImapUse = "session" | "check" | "watch";

const CHECK_TIMEOUT_MS = 15_000;
const MAX_IDLE_MS = 10 * 60_000;
const OPTIONS: Record<TImapUse, Partial<ConstructorParameters<typeof ImapFlow>[0]>> = {
  session: { connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 120_000 },
  check: { connectionTimeout: CHECK_TIMEOUT_MS, greetingTimeout: CHECK_TIMEOUT_MS, socketTimeout: CHECK_TIMEOUT_MS },
  watch: { maxIdleTime: MAX_IDLE_MS, autoIdleDelay: 500, connectionTimeout: 20_000, greetingTimeout: 20_000 },
};

// The server's last tagged reply per client. imapflow closes the connection when AUTHENTICATE
// gets BAD and then rejects connect() with a bare "Unexpected close", losing Exchange's reason
// (its back-off reply at the connection limit); its logger still sees the line. Server lines only
// (never what the client sent), and only tagged status lines, so no token or mail is kept.
const lastReply = new WeakMap<ImapFlow, string>();
const TAGGED = /^[A-Za-z0-9.]+ (?:OK|NO|BAD) /;

/** A client, not yet connected (a caller that listens for events attaches them before connect()). */
export function imapClient(o: TImapOpen, use: TImapUse = "session"): ImapFlow {
  const trace = traceFor(o.user, o.accessToken); // the mailbox's trace switch (lib/trace), when on
  const traced = trace ? imapTraceLogger(trace) : undefined;
  let self: ImapFlow | null = null;
  const quiet = () => undefined;
  const client = new ImapFlow({
    host: o.hosts.imap.host,
    port: o.hosts.imap.port,
    secure: true,
    auth: { user: o.user, accessToken: o.accessToken },
    logger: {
      debug: (e: { src?: string; msg?: unknown }) => {
        if (self && e?.src === "s" && typeof e.msg === "string" && TAGGED.test(e.msg)) lastReply.set(self, e.msg.slice(0, 500));
        traced?.debug(e);
      },
      trace: (e: { src?: string; msg?: unknown }) => traced?.trace(e),
      info: traced?.info ?? quiet,
      warn: traced?.warn ?? quiet,
      error: traced?.error ?? quiet,
    },
    ...OPTIONS[use],
  });
  self = client;
  client.on("error", () => undefined); // surfaced through the awaited calls
  return client;
}

/** A connected, signed-in client; failures throw, and imapFailure() reads them. */
export async function openImap(o: TImapOpen, use: TImapUse = "session"): Promise<ImapFlow> {
  const client = imapClient(o, use);
  try {
    await client.connect();
  } catch (err) {
    client.close();
    throw err;
  }
  return client;
}

/** Logs out, or closes when the connection is already gone. */
export async function closeImap(client: ImapFlow): Promise<void> {
  await client.logout().catch(() => client.close());
}

/** An IMAP server reply (tagged or untagged line) as a failure. */
export function failureFromImapReply(line: string): TMicrosoftFailure {
  const t = line.trim();
  const kind = /User is authenticated but not connected/i.test(t)
    ? "not_connected"
    : /AUTHENTICATE failed|LOGIN failed|AUTHENTICATIONFAILED|Authentication failed/i.test(t)
      ? "auth_failed"
      : /throttled/i.test(t)
        ? "throttled"
        : /^\* BYE/i.test(t)
          ? "bye"
          : "other";
  const backoff = t.match(/Backoff Time:\s*(\d+)\s*milliseconds/i);
  return {
    source: "imap",
    imapKind: kind,
    retryAfterSeconds: backoff ? Math.ceil(Number(backoff[1]) / 1000) : undefined,
    message: redact(t),
  };
}

/** Exchange ends a session whose AUTHENTICATE token has expired with
 *  `* BYE Session invalidated - AccessTokenExpired` at the next command (aioimaplib#83,
 *  imap-backup#198); imapflow then rejects that command (and every pending one) with a
 *  NoConnection error whose `reason` is the BYE text, and keeps it as `byeReason` on the client.
 *  True for such an error or client: the caller reconnects with a fresh token and carries on. */
export function imapTokenExpired(errOrClient: unknown): boolean {
  const e = (errOrClient ?? {}) as { reason?: string; byeReason?: string; responseText?: string; message?: string };
  return /AccessTokenExpired/i.test(`${e.reason ?? ""} ${e.byeReason ?? ""} ${e.responseText ?? ""} ${e.message ?? ""}`);
}

/** The server's reply text carried by an imapflow error ("" when it has none). */
export const imapReplyOf = (err: unknown) => {
  const e = err as { responseText?: string; response?: string; reason?: string };
  const reply = e?.responseText || e?.response;
  // A connection ended by the server's BYE: imapflow keeps the BYE text as `reason`.
  return (typeof reply === "string" ? reply : e?.reason ? `* BYE ${e.reason}` : "").trim();
};

/** Any error an imapflow call threw, as one failure: the one place IMAP error text is read. */
export function imapFailure(err: unknown): TMicrosoftFailure {
  const e = (err ?? {}) as { code?: string; message?: string; authenticationFailed?: boolean };
  const reply = imapReplyOf(err);
  // Exchange accepts the token, then answers the next command with BAD "not connected";
  // imapflow may report that as an authentication failure, so the text decides first.
  if (/not connected/i.test(`${reply} ${e.message ?? ""}`)) return failureFromImapReply("BAD User is authenticated but not connected.");
  if (e.authenticationFailed) return failureFromImapReply(`NO ${reply || "AUTHENTICATE failed."}`);
  if (reply) return failureFromImapReply(reply);
  // imapflow's "closed during connect" (ClosedAfterConnectTLS) is the server hanging up, not TLS.
  if (/^ClosedAfterConnect/.test(e.code ?? "")) return { source: "imap", imapKind: "bye", message: e.message ?? "IMAP connection ended" };
  if (/ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENOTFOUND|CERT|TLS/i.test(`${e.code ?? ""} ${e.message ?? ""}`))
    return failureFromNetworkError(err);
  return { source: "imap", imapKind: "bye", message: e.message ?? "IMAP connection ended" };
}

/** A failure of the sign-in itself (connect + AUTHENTICATE): Exchange's back-off reply there
 *  refuses a new connection, which is its per-mailbox connection limit (20), not command
 *  throttling of a running session. */
export function imapSignInFailure(err: unknown, client?: ImapFlow): TMicrosoftFailure {
  let f = imapFailure(err);
  // A sign-in imapflow ended with a bare close: the server's last reply says why.
  const said = client ? lastReply.get(client) : undefined;
  if (f.imapKind === "bye" && said && !/ OK /.test(said)) f = failureFromImapReply(said.replace(/^\S+ /, ""));
  return f.imapKind === "throttled" ? { ...f, imapKind: "connection_limit" } : f;
}
