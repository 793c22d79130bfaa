// Integration (sandbox + real PostgreSQL): hostile mail never stalls a mailbox. A subject that
// decodes to a NUL, a Message-ID too long for PostgreSQL's index, and a message over the size limit
// arrive among normal ones over IMAP, POP3 and Graph: every message is stored (the odd ones as a
// summary plus a note, with a diagnosis), the mailbox stays connected and keeps syncing, and
// after-processing never deletes mail whose content wasn't kept.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED } from "../../sandbox/directory/seed";
import { mailboxWithSandboxGrant, OUTLOOK, sandboxForFile } from "../../testing/sandbox-grant";
import { planBatches, syncMailbox } from "./sync-mailbox";

const env = sandboxForFile();
const N = SEED.northwind;
const LIMITS = { maxMessageBytes: 100_000, maxBatchBytes: 150_000 };
const GRAPH = ["https://graph.microsoft.com/Mail.ReadWrite"];
const POP = `${OUTLOOK}/POP.AccessAsUser.All`;

const mail = (address: string, id: string, subject: string, body = "Hello") =>
  `From: Customer <customer@example.com>\r\nTo: ${address}\r\nSubject: ${subject}\r\nMessage-ID: ${id}\r\nDate: ${new Date().toUTCString()}\r\n\r\n${body}\r\n`;
const deliver = (address: string, raw: string) => env.sb.admin("POST", `/admin/mail/mailboxes/${address}/messages`, { raw });
const onServer = async (address: string) => (await env.sb.admin("GET", `/admin/mail/mailboxes/${address}?limit=1`)).body.total as number;

/**
 * Normal mail around three hostile ones; returns the Message-IDs to look for. IMAP and Graph hand
 * over decoded subjects, so the encoded NUL bites there; POP reads raw headers, so it gets a raw NUL.
 */
async function deliverHostile(address: string, tag: string, poison = "=?utf-8?Q?a=00b?=") {
  const ids = {
    first: `<${tag}-first@example.com>`,
    poison: `<${tag}-poison@example.com>`,
    longId: `<${tag}-${randomBytes(4500).toString("base64url")}@example.com>`,
    big: `<${tag}-big@example.com>`,
    last: `<${tag}-last@example.com>`,
  };
  await deliver(address, mail(address, ids.first, "Before the poison"));
  await deliver(address, mail(address, ids.poison, poison));
  // Random text defeats compression: over btree's 2704-byte limit on the Message-ID index.
  await deliver(address, mail(address, ids.longId, "Long Message-ID"));
  await deliver(address, mail(address, ids.big, "Huge attachment", "x".repeat(76) + ("\r\n" + "y".repeat(76)).repeat(3000)));
  await deliver(address, mail(address, ids.last, "After the poison"));
  return ids;
}

async function expectAllStored(mailboxId: string, ids: Awaited<ReturnType<typeof deliverHostile>>) {
  const rows = await db().message.findMany({
    where: { mailboxId },
    select: { internetMessageId: true, subject: true, size: true, rawMime: true, sourceKey: true },
  });
  const byId = (id: string) => rows.find((r) => r.internetMessageId === id);
  expect(byId(ids.first)?.subject).toBe("Before the poison");
  expect(byId(ids.last)?.subject).toBe("After the poison");
  // The NUL is gone, the rest of the subject and the content are kept.
  expect(byId(ids.poison)?.subject).toBe("ab");
  expect(Buffer.from(byId(ids.poison)!.rawMime).toString()).toMatch(/Subject: (=\?utf-8\?Q\?a=00b\?=|a\u0000b)\r\n/);
  // The refused Message-ID is dropped; the message and its content are kept.
  const long = rows.find((r) => r.subject === "Long Message-ID");
  expect(long).toBeTruthy();
  expect(long!.internetMessageId).toBeNull();
  expect(Buffer.from(long!.rawMime).toString()).toContain("Long Message-ID");
  // Over the limit: the summary and a note, not the 230 KB of MIME.
  const big = byId(ids.big)!;
  expect(big.subject).toBe("Huge attachment");
  expect(big.size).toBeGreaterThan(LIMITS.maxMessageBytes);
  expect(big.rawMime.length).toBeLessThan(2000);
  expect(Buffer.from(big.rawMime).toString()).toMatch(/X-Consentry-Note: content-not-stored; size=\d+[\s\S]*larger than Consentry stores/);
  const events = await db().event.findMany({ where: { mailboxId }, select: { code: true, detail: true } });
  expect(events.filter((e) => e.code === "message_too_large")).toHaveLength(1);
  expect(events.filter((e) => e.code === "message_not_stored")).toMatchObject([{ detail: { contentKept: true } }]);
  return big;
}

async function expectHealthy(mailboxId: string) {
  const mb = await db().mailbox.findUniqueOrThrow({ where: { id: mailboxId }, select: { state: true, stateCode: true, lastSyncAt: true } });
  expect(mb.state).toBe("connected");
  expect(mb.stateCode).toBeNull();
  expect(mb.lastSyncAt).toBeTruthy();
}

describe("hostile mail never stalls a mailbox", { timeout: 120_000 }, () => {
  it("IMAP: poison, refused and oversized mail among normal ones: all stored, batches cut by bytes, the mailbox keeps syncing", async () => {
    const address = `helpdesk@${N.domain}`;
    const m = await mailboxWithSandboxGrant(env.sb, address, { tenant: N });
    const before = await onServer(address);
    const ids = await deliverHostile(address, "imap");
    const r = await syncMailbox(m.ctx, { limits: LIMITS });
    expect(r).toEqual({ ok: true, stored: before + 5, skipped: 0 });
    await expectAllStored(m.ctx.mailboxId, ids);
    await expectHealthy(m.ctx.mailboxId);
    // Nothing left behind, nothing twice, and new mail still arrives.
    expect(await syncMailbox(m.ctx, { limits: LIMITS })).toEqual({ ok: true, stored: 0, skipped: 0 });
    await deliver(address, mail(address, "<imap-later@example.com>", "Later"));
    expect(await syncMailbox(m.ctx, { limits: LIMITS })).toEqual({ ok: true, stored: 1, skipped: 0 });
  });

  it("POP3 with delete: everything stored; the oversized original is never deleted", async () => {
    const address = `bob@${N.domain}`;
    const m = await mailboxWithSandboxGrant(env.sb, address, {
      tenant: N,
      scopes: [POP],
      mailbox: { inbound: "pop", outbound: "none", afterProcessing: "delete" },
    });
    const before = await onServer(address);
    const ids = await deliverHostile(address, "pop", "a\u0000b");
    expect(await syncMailbox(m.ctx, { limits: LIMITS })).toMatchObject({ ok: true, stored: before + 5 });
    await expectAllStored(m.ctx.mailboxId, ids);
    await expectHealthy(m.ctx.mailboxId);
    // Only the message whose content Consentry didn't keep is still on the server, also after another round.
    expect(await onServer(address)).toBe(1);
    expect(await syncMailbox(m.ctx, { limits: LIMITS })).toMatchObject({ ok: true, stored: 0 });
    expect(await onServer(address)).toBe(1);
  });

  it("Graph: the MIME download stops at the limit; everything stored and healthy", async () => {
    const address = `it@${N.domain}`;
    const m = await mailboxWithSandboxGrant(env.sb, address, { tenant: N, scopes: GRAPH, mailbox: { inbound: "graph", outbound: "none" } });
    const before = await onServer(address);
    const ids = await deliverHostile(address, "graph");
    expect(await syncMailbox(m.ctx, { limits: LIMITS })).toEqual({ ok: true, stored: before + 5, skipped: 0 });
    await expectAllStored(m.ctx.mailboxId, ids);
    await expectHealthy(m.ctx.mailboxId);
  });

  it("batches are cut by count and by bytes; one oversized item goes alone", () => {
    const sizes = [40, 40, 40, 200, 10, 10];
    expect(planBatches(sizes, (n) => n, 100)).toEqual([[40, 40], [40], [200], [10, 10]]);
    expect(
      planBatches(
        Array.from({ length: 250 }, () => 1),
        (n) => n,
        1e9,
      ).map((b) => b.length),
    ).toEqual([100, 100, 50]);
  });
});
