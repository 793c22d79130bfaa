// Unit: the pure bookkeeping of a sync round (no database, no sandbox).
import { describe, expect, it } from "vitest";
import type { FetchMessageObject } from "imapflow";
import {
  bareSummary,
  graphFolderSegment,
  graphResumeLink,
  graphResumeNext,
  imapResumeUid,
  incomingFromGraph,
  incomingFromImap,
  incomingFromRaw,
  isDeltaExpired,
  MAX_BATCH_BYTES,
  MAX_MESSAGE_BYTES,
  mib,
  newUids,
  nextSyncDelayMs,
  noteMime,
  planBatches,
  popSourceKey,
  SYNC_INTERVAL_MS,
  syncLimits,
  tooLarge,
  uidOfImapKey,
  withoutRefusableHeaders,
} from "./bookkeeping";

describe("sync bookkeeping", () => {
  it("resumes IMAP after the last stored UID only in the same folder and UIDVALIDITY", () => {
    const prev = { folder: "INBOX", uidValidity: "7", lastUid: 42 };
    expect(imapResumeUid(prev, "INBOX", "7")).toBe(42);
    expect(imapResumeUid(prev, "INBOX", "8")).toBe(0);
    expect(imapResumeUid(prev, "Archive", "7")).toBe(0);
    expect(imapResumeUid(undefined, "INBOX", "7")).toBe(0);
  });

  it("keeps only new UIDs, in order (a `n:*` search also returns the last message)", () => {
    expect(newUids([9, 5, 7, 3], 4)).toEqual([5, 7, 9]);
    expect(newUids([4], 4)).toEqual([]);
    expect(newUids(false, 0)).toEqual([]);
  });

  it("resumes Graph from the delta link of the same folder only, and knows an expired one", () => {
    expect(graphResumeLink({ folder: "INBOX", deltaLink: "d1" }, "INBOX")).toBe("d1");
    expect(graphResumeLink({ folder: "INBOX", deltaLink: "d1" }, "Archive")).toBeNull();
    // An unfinished round's next page, for the same folder only.
    expect(graphResumeNext({ folder: "INBOX", deltaLink: null, nextLink: "n7" }, "INBOX")).toBe("n7");
    expect(graphResumeNext({ folder: "INBOX", deltaLink: null, nextLink: "n7" }, "Archive")).toBeNull();
    expect(graphResumeNext({ folder: "INBOX", deltaLink: "d1" }, "INBOX")).toBeNull();
    expect(graphResumeLink(undefined, "INBOX")).toBeNull();
    expect(isDeltaExpired({ source: "graph", status: 410, message: "gone" })).toBe(true);
    expect(isDeltaExpired({ source: "graph", status: 400, graphCode: "syncStateNotFound", message: "" })).toBe(true);
    expect(isDeltaExpired({ source: "graph", status: 400, graphCode: "resyncRequired", message: "" })).toBe(true);
    // Outlook's spelling (Pascal case) and the docs' (camel case) are the same code.
    expect(isDeltaExpired({ source: "graph", status: 400, graphCode: "SyncStateNotFound", message: "" })).toBe(true);
    expect(isDeltaExpired({ source: "graph", status: 400, graphCode: "SYNCSTATENOTFOUND", message: "" })).toBe(true);
    expect(isDeltaExpired({ source: "graph", status: 400, graphCode: "SyncStateInvalid", message: "" })).toBe(true);
    expect(isDeltaExpired({ source: "graph", status: 401, graphCode: "InvalidAuthenticationToken", message: "" })).toBe(false);
    expect(graphFolderSegment("Inbox")).toBe("inbox");
    expect(graphFolderSegment("a/b")).toBe("a%2Fb");
  });

  it("reads a POP3 message's headers from its raw source, folded lines included", () => {
    const raw = Buffer.from(
      'From: "Ann" <ann@example.com>\r\nSubject: Hello\r\n  world\r\nMessage-ID: <m1@x>\r\nDate: Tue, 1 Sep 2026 10:00:00 +0000\r\n\r\nbody\r\nFrom: not@header.com\r\n',
    );
    const m = incomingFromRaw(popSourceKey("U1"), raw);
    expect(m).toMatchObject({ sourceKey: "pop:U1", internetMessageId: "<m1@x>", fromAddress: "ann@example.com", subject: "Hello world" });
    expect(m.receivedAt.toISOString()).toBe("2026-09-01T10:00:00.000Z");
    const bare = incomingFromRaw("pop:U2", Buffer.from("From: bob@example.com\r\nDate: not a date\r\n\r\nx"));
    expect(bare.fromAddress).toBe("bob@example.com");
    expect(bare.internetMessageId).toBeNull();
    expect(Number.isNaN(bare.receivedAt.getTime())).toBe(false);
  });

  it("builds incoming messages from an IMAP fetch and a Graph message", () => {
    const f = {
      uid: 12,
      seq: 1,
      // Header values come from the MIME's header block (ENVELOPE isn't fetched with the source).
      source: Buffer.from("Message-ID: <i@x>\r\nSubject: S\r\nFrom: A <a@x>\r\n\r\nx"),
      envelope: { messageId: "<other@x>", subject: "not this", from: [{ address: "b@x" }] },
      internalDate: new Date("2026-01-02T00:00:00Z"),
    } as unknown as FetchMessageObject;
    expect(incomingFromImap("99", f)).toMatchObject({
      sourceKey: "imap:99:12",
      internetMessageId: "<i@x>",
      fromAddress: "a@x",
      subject: "S",
      receivedAt: new Date("2026-01-02T00:00:00Z"),
    });
    const g = incomingFromGraph(
      {
        id: "AAA",
        subject: "G",
        internetMessageId: "<g@x>",
        receivedDateTime: "2026-01-03T00:00:00Z",
        from: { emailAddress: { address: "g@x" } },
      },
      Buffer.from("raw"),
    );
    expect(g).toMatchObject({
      sourceKey: "graph:AAA",
      internetMessageId: "<g@x>",
      fromAddress: "g@x",
      subject: "G",
      receivedAt: new Date("2026-01-03T00:00:00Z"),
    });
  });

  it("schedules the next round: the interval after success, capped exponential backoff after failures", () => {
    expect(nextSyncDelayMs({ ok: true, stored: 0, skipped: 0 }, 0)).toBe(SYNC_INTERVAL_MS);
    // A round paused at its request budget continues when the window has passed.
    expect(nextSyncDelayMs({ ok: true, stored: 9_800, skipped: 0, resumeAfterSeconds: 420 }, 0)).toBe(420_000);
    expect(nextSyncDelayMs({ ok: false, code: "x", transient: true }, 1)).toBe(30_000);
    expect(nextSyncDelayMs({ ok: false, code: "x", transient: true }, 3)).toBe(120_000);
    expect(nextSyncDelayMs({ ok: false, code: "x", transient: false }, 1)).toBe(15 * 60_000);
    expect(nextSyncDelayMs({ ok: false, code: "x", transient: false }, 10)).toBe(60 * 60_000);
  });

  it("honours the wait Microsoft asked for (Retry-After, back-off time) instead of its own backoff, capped at an hour", () => {
    expect(nextSyncDelayMs({ ok: false, code: "graph_throttled", transient: true, retryAfterSeconds: 7 }, 3)).toBe(7_000);
    expect(nextSyncDelayMs({ ok: false, code: "imap_connection_limit", transient: true, retryAfterSeconds: 300 }, 1)).toBe(300_000);
    expect(nextSyncDelayMs({ ok: false, code: "x", transient: true, retryAfterSeconds: 86_400 }, 1)).toBe(60 * 60_000);
  });

  it("cleans header text from every source: NULs out, lone surrogates to U+FFFD, empty ids and senders become null", () => {
    const raw = Buffer.from("From: a\u0000b@x.com\r\nSubject: a\u0000b\r\nMessage-ID: \u0000\r\n\r\nbody");
    expect(incomingFromRaw("pop:U", raw)).toMatchObject({
      subject: "ab",
      fromAddress: "ab@x.com",
      internetMessageId: null,
      size: raw.length,
    });
    const f = {
      uid: 3,
      seq: 1,
      // An oversized message: no source, its ENVELOPE is what there is.
      envelope: { messageId: "<i\u0000@x>", subject: "s\uD800t", from: [{ address: "\u0000" }] },
    } as unknown as FetchMessageObject;
    expect(incomingFromImap("1", f)).toMatchObject({ internetMessageId: "<i@x>", subject: "s\uFFFDt", fromAddress: null, size: 0 });
    const withSource = { uid: 4, seq: 2, source: Buffer.from("Message-ID: <i\u0000@x>\r\nSubject: s\u0000t\r\n\r\nxyz") };
    expect(incomingFromImap("1", withSource as unknown as FetchMessageObject)).toMatchObject({
      internetMessageId: "<i@x>",
      subject: "st",
      fromAddress: null,
    });
    expect(incomingFromGraph({ id: "G", subject: "\uDC00x\u0000" }, Buffer.alloc(0), 123)).toMatchObject({ subject: "\uFFFDx", size: 123 });
    expect(uidOfImapKey(incomingFromImap("1", f).sourceKey)).toBe(3);
  });

  it("reads the headers of a TOP n 0 answer (no body separator)", () => {
    const m = incomingFromRaw("pop:U", Buffer.from("Subject: Big\r\nMessage-ID: <b@x>\r\n"));
    expect(m).toMatchObject({ subject: "Big", internetMessageId: "<b@x>" });
  });

  it("cuts batches at 100 messages and at the byte limit; an item over the limit goes alone", () => {
    expect(planBatches([40, 40, 40, 200, 10, 10], (n) => n, 100)).toEqual([[40, 40], [40], [200], [10, 10]]);
    expect(
      planBatches(
        Array.from({ length: 201 }, () => 1),
        (n) => n,
        1e9,
      ).map((b) => b.length),
    ).toEqual([100, 100, 1]);
    expect(planBatches([], (n: number) => n, 10)).toEqual([]);
    expect(planBatches([0, 0, 0], (n) => n, 0)).toEqual([[0, 0, 0]]);
  });

  it("has 25 MB per message and 50 MB per batch by default, each lowered on its own", () => {
    expect(syncLimits()).toMatchObject({ maxMessageBytes: MAX_MESSAGE_BYTES, maxBatchBytes: MAX_BATCH_BYTES });
    expect(MAX_MESSAGE_BYTES).toBe(25 * 1024 * 1024);
    expect(MAX_BATCH_BYTES).toBe(50 * 1024 * 1024);
    expect(syncLimits({ maxMessageBytes: 10 })).toMatchObject({ maxMessageBytes: 10, maxBatchBytes: MAX_BATCH_BYTES });
    // Graph's Outlook budget: 10,000 requests per 10 minutes per app and mailbox.
    expect(syncLimits()).toMatchObject({ graphRequestsPerWindow: 10_000, graphWindowSeconds: 600 });
    expect(mib(MAX_MESSAGE_BYTES)).toBe("25 MB");
    expect(mib(100_000)).toBe("0.10 MB");
  });

  it("writes a note MIME that names why, keeps only header values safe to repeat, and encodes the subject", () => {
    const base = {
      fromAddress: "ann@example.com",
      subject: "Grüße",
      internetMessageId: "<n@x>",
      receivedAt: new Date("2026-01-02T03:04:05Z"),
      size: 4321,
    };
    const note = noteMime(base, "it is too large").toString();
    expect(note).toContain("From: <ann@example.com>\r\n");
    expect(note).toContain(`Subject: =?utf-8?B?${Buffer.from("Grüße").toString("base64")}?=\r\n`);
    expect(note).toContain("Message-ID: <n@x>\r\n");
    expect(note).toContain("Date: Fri, 02 Jan 2026 03:04:05 GMT\r\n");
    expect(note).toMatch(
      /X-Consentry-Note: content-not-stored; size=4321\r\n[\s\S]*\r\n\r\nConsentry kept this message's details but not its content: it is too large\. The original \(4321 bytes\)/,
    );
    // A sender or Message-ID that would break the header block is left out.
    const odd = noteMime({ ...base, fromAddress: "a b@x\r\nBcc: c@x", internetMessageId: `<${"x".repeat(1000)}>` }, "why").toString();
    expect(odd).not.toMatch(/^From:|^Message-ID:|^Bcc:/m);
  });

  it("stands a note in for oversized content and for a refused row, without the refused header values", () => {
    const m = incomingFromRaw("pop:U", Buffer.from("From: <a@x>\r\nSubject: S\r\nMessage-ID: <m@x>\r\n\r\n"));
    const big = tooLarge(m, 30_000_000);
    expect(big).toMatchObject({ tooLarge: true, size: 30_000_000, subject: "S", internetMessageId: "<m@x>" });
    expect(big.raw.toString()).toMatch(/size=30000000[\s\S]*larger than Consentry stores \(30000000 bytes\)/);
    const long = { ...m, subject: "s".repeat(500), fromAddress: "f".repeat(500) };
    expect(withoutRefusableHeaders(long)).toMatchObject({ internetMessageId: null, raw: m.raw });
    expect(withoutRefusableHeaders(long).subject).toHaveLength(200);
    expect(withoutRefusableHeaders(long).fromAddress).toHaveLength(320);
    const bare = bareSummary(m, "the database refused it");
    expect(bare).toMatchObject({ internetMessageId: null, subject: null, fromAddress: null, size: m.size, sourceKey: "pop:U" });
    expect(bare.raw.toString()).toContain("not its content: the database refused it.");
  });
});
