// Demo mail for every demo mailbox: a few hundred realistic messages (varied senders and subjects,
// dates over the last 30 days, some unread, a few with attachments) plus some sent and archived
// mail. Deterministic per address (seeded PRNG) and idempotent: mailboxes that already hold mail
// are left alone, so re-seeding never duplicates.
import type { SandboxContext } from "../contracts";
import { generateMessages } from "./store/generate-messages";
import { acquireMailStore, releaseMailStore } from "./store/mail-store";

function seedOf(address: string) {
  let h = 2166136261;
  for (const ch of address) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

export type SeedDemoMailOptions = { perMailbox?: number };

export async function seedDemoMail(ctx: SandboxContext, opts: SeedDemoMailOptions = {}): Promise<{ address: string; added: number }[]> {
  const store = acquireMailStore(ctx);
  const result: { address: string; added: number }[] = [];
  try {
    for (const owner of ctx.directory.listMailboxes()) {
      if (owner.kind === "user" && !owner.user.isLicensed) continue;
      const box = store.mailbox(owner.address);
      if (box.messageCount() > 0) continue;
      const seed = seedOf(owner.address);
      const count = opts.perMailbox ?? 250 + (seed % 100);
      const name = owner.kind === "user" ? owner.user.displayName : owner.shared.displayName;
      const now = ctx.now();
      const inbox = generateMessages({
        to: owner.address,
        toName: name,
        count,
        size: 1800,
        seed,
        now,
        spreadDays: 30,
        attachmentRatio: 0.06,
        unreadRatio: 0.25,
      });
      box.append(
        box.folder("inbox")!,
        inbox.map((m) => ({ raw: m.raw, date: m.date, flags: m.seen ? ["\\Seen"] : [] })),
      );
      const archived = generateMessages({
        to: owner.address,
        toName: name,
        count: 20,
        size: 1500,
        seed: seed + 1,
        now,
        spreadDays: 30,
        attachmentRatio: 0.1,
        unreadRatio: 0,
      });
      box.append(
        box.folder("archive")!,
        archived.map((m) => ({ raw: m.raw, date: m.date, flags: ["\\Seen"] })),
      );
      // Sent mail: same generator, with the mailbox as sender.
      const sent = generateMessages({
        to: "colleague@northwindtraders.com",
        count: 15,
        size: 1200,
        seed: seed + 2,
        now,
        spreadDays: 30,
        attachmentRatio: 0.05,
        unreadRatio: 0,
      }).map((m) => ({
        raw: Buffer.from(m.raw.toString("utf8").replace(/^From: .*$/m, `From: "${name}" <${owner.address}>`), "utf8"),
        date: m.date,
      }));
      box.append(
        box.folder("sentitems")!,
        sent.map((m) => ({ ...m, flags: ["\\Seen"] })),
      );
      result.push({ address: owner.address, added: inbox.length + archived.length + sent.length });
      ctx.log("seeded demo mail", { address: owner.address, messages: inbox.length + archived.length + sent.length });
    }
  } finally {
    releaseMailStore(store);
  }
  return result;
}
