// Unit: the pure bookkeeping of a sync round (no database, no sandbox).
import { describe, expect, it } from "vitest";
import type { FetchMessageObject } from "imapflow";
import { graphFolderSegment, graphResumeLink, imapResumeUid, incomingFromGraph, incomingFromImap, incomingFromRaw, isDeltaExpired, newUids, nextSyncDelayMs, popSourceKey, SYNC_INTERVAL_MS } from "./bookkeeping";

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
    expect(graphResumeLink(undefined, "INBOX")).toBeNull();
    expect(isDeltaExpired({ source: "graph", status: 410, message: "gone" })).toBe(true);
    expect(isDeltaExpired({ source: "graph", status: 400, graphCode: "syncStateNotFound", message: "" })).toBe(true);
    expect(isDeltaExpired({ source: "graph", status: 400, graphCode: "resyncRequired", message: "" })).toBe(true);
    expect(isDeltaExpired({ source: "graph", status: 401, graphCode: "InvalidAuthenticationToken", message: "" })).toBe(false);
    expect(graphFolderSegment("Inbox")).toBe("inbox");
    expect(graphFolderSegment("a/b")).toBe("a%2Fb");
  });

  it("reads a POP3 message's headers from its raw source, folded lines included", () => {
    const raw = Buffer.from("From: \"Ann\" <ann@example.com>\r\nSubject: Hello\r\n  world\r\nMessage-ID: <m1@x>\r\nDate: Tue, 1 Sep 2026 10:00:00 +0000\r\n\r\nbody\r\nFrom: not@header.com\r\n");
    const m = incomingFromRaw(popSourceKey("U1"), raw);
    expect(m).toMatchObject({ sourceKey: "pop:U1", internetMessageId: "<m1@x>", fromAddress: "ann@example.com", subject: "Hello world" });
    expect(m.receivedAt.toISOString()).toBe("2026-09-01T10:00:00.000Z");
    const bare = incomingFromRaw("pop:U2", Buffer.from("From: bob@example.com\r\nDate: not a date\r\n\r\nx"));
    expect(bare.fromAddress).toBe("bob@example.com");
    expect(bare.internetMessageId).toBeNull();
    expect(Number.isNaN(bare.receivedAt.getTime())).toBe(false);
  });

  it("builds incoming messages from an IMAP fetch and a Graph message", () => {
    const f = { uid: 12, seq: 1, source: Buffer.from("x"), envelope: { messageId: "<i@x>", subject: "S", from: [{ address: "a@x" }] }, internalDate: new Date("2026-01-02T00:00:00Z") } as unknown as FetchMessageObject;
    expect(incomingFromImap("99", f)).toMatchObject({ sourceKey: "imap:99:12", internetMessageId: "<i@x>", fromAddress: "a@x", subject: "S", receivedAt: new Date("2026-01-02T00:00:00Z") });
    const g = incomingFromGraph({ id: "AAA", subject: "G", internetMessageId: "<g@x>", receivedDateTime: "2026-01-03T00:00:00Z", from: { emailAddress: { address: "g@x" } } }, Buffer.from("raw"));
    expect(g).toMatchObject({ sourceKey: "graph:AAA", internetMessageId: "<g@x>", fromAddress: "g@x", subject: "G", receivedAt: new Date("2026-01-03T00:00:00Z") });
  });

  it("schedules the next round: the interval after success, capped exponential backoff after failures", () => {
    expect(nextSyncDelayMs({ ok: true, stored: 0, skipped: 0 }, 0)).toBe(SYNC_INTERVAL_MS);
    expect(nextSyncDelayMs({ ok: false, code: "x", transient: true }, 1)).toBe(30_000);
    expect(nextSyncDelayMs({ ok: false, code: "x", transient: true }, 3)).toBe(120_000);
    expect(nextSyncDelayMs({ ok: false, code: "x", transient: false }, 1)).toBe(15 * 60_000);
    expect(nextSyncDelayMs({ ok: false, code: "x", transient: false }, 10)).toBe(60 * 60_000);
  });
});
