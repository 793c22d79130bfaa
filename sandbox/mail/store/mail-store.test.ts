// The mail store on its own: persistence across restarts, UID/UIDVALIDITY rules, tombstones for
// Graph delta, and the deterministic demo seed.
import { describe, expect, it } from "vitest";
import { seedDemoMail } from "../seed";
import { createTestContext } from "../../../testing/test-context";
import { acquireMailStore, releaseMailStore } from "./mail-store";
import { generateMessages } from "./generate-messages";

describe("mail store", () => {
  it("persists folders, messages, flags and expunges across a restart", async () => {
    const ctx = await createTestContext();
    const store = acquireMailStore(ctx);
    const box = store.mailbox("alice@contoso.onmicrosoft.com");
    const inbox = box.folder("inbox")!;
    const msgs = generateMessages({ to: box.address, count: 10, size: 900, seed: 5 });
    box.append(
      inbox,
      msgs.map((m) => ({ raw: m.raw, date: m.date })),
    );
    box.setFlags(inbox, inbox.byUid.get(2)!, ["\\Seen"]);
    box.expunge(inbox, [3]);
    const projects = box.createFolder("INBOX/Projects");
    const [[, moved]] = box.move(inbox, [4], projects);
    const validity = inbox.uidValidity;
    releaseMailStore(store);

    const again = acquireMailStore(ctx);
    const b2 = again.mailbox("alice@contoso.onmicrosoft.com");
    const i2 = b2.folder("inbox")!;
    expect(i2.uidValidity).toBe(validity);
    expect(i2.messages.map((m) => m.uid)).toEqual([1, 2, 5, 6, 7, 8, 9, 10]);
    expect(i2.uidNext).toBe(11);
    expect(i2.byUid.get(2)!.flags).toEqual(["\\Seen"]);
    expect(b2.readRaw(i2.byUid.get(1)!).equals(msgs[0].raw)).toBe(true);
    const p2 = b2.folderByPath("INBOX/Projects")!;
    expect(p2.messages[0].id).toBe(moved.id);
    expect(b2.readRaw(p2.messages[0]).equals(msgs[3].raw)).toBe(true);
    expect(i2.removed.length).toBe(2); // expunged + moved out
    // A new UIDVALIDITY renumbers UIDs from 1 and never repeats an old value.
    const v = b2.resetUidValidity(i2);
    expect(v).toBeGreaterThan(validity);
    expect(i2.messages.map((m) => m.uid)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    releaseMailStore(again);
  });

  it("seeds demo mail deterministically and only once", async () => {
    const a = await createTestContext();
    const first = await seedDemoMail(a);
    expect(first.length).toBe(a.directory.listMailboxes().length);
    expect(first.every((r) => r.added > 200)).toBe(true);
    expect(await seedDemoMail(a)).toEqual([]);
    const b = await createTestContext();
    // Same directory addresses -> same mail, byte for byte.
    await seedDemoMail(b);
    const sa = acquireMailStore(a);
    const sbx = acquireMailStore(b);
    const ba = sa.mailbox("bob@contoso.onmicrosoft.com");
    const bb = sbx.mailbox("bob@contoso.onmicrosoft.com");
    const ia = ba.folder("inbox")!;
    expect(ia.messages.length).toBe(bb.folder("inbox")!.messages.length);
    // Same content; only the clock-relative Date/Message-ID headers may differ.
    const strip = (b: Buffer) => b.toString().replace(/^(Date|Message-ID): .*$/gim, "");
    expect(strip(ba.readRaw(ia.messages[10]))).toBe(strip(bb.readRaw(bb.folder("inbox")!.messages[10])));
    expect(ia.messages.some((m) => !m.flags.includes("\\Seen"))).toBe(true);
    releaseMailStore(sa);
    releaseMailStore(sbx);
  });
});
