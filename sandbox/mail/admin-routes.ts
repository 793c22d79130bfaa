// Admin API of the mail side (mounted by part 1 under https://localhost:4010/admin/...).
import { z } from "zod";
import type { AdminRequest, AdminResponse, AdminRoute, SandboxContext } from "../contracts";
import { deliverMessage } from "./deliver";
import { generateMessages } from "./store/generate-messages";
import { peekMailStore, type MailStore } from "./store/mail-store";
import type { MailboxStore } from "./store/mailbox-store";
import { summarize } from "./store/message-summary";

const ZDeliver = z.union([
  z.object({
    generate: z.object({
      count: z.number().int().min(1).max(100_000),
      size: z
        .number()
        .int()
        .min(200)
        .max(10 * 1024 * 1024)
        .default(4096),
      attachmentRatio: z.number().min(0).max(1).default(0.1),
      unreadRatio: z.number().min(0).max(1).default(0.3),
      seed: z.number().int().default(1),
      spreadDays: z.number().min(0).max(3650).default(30),
    }),
    folder: z.string().default("inbox"),
  }),
  z.object({
    raw: z.string().min(1).optional(), // MIME text
    rawBase64: z.string().min(1).optional(),
    folder: z.string().default("inbox"),
    flags: z.array(z.string()).default([]),
  }),
]);
const ZBulk = z.object({
  count: z.number().int().min(1).max(1_000_000).default(100_000),
  size: z
    .number()
    .int()
    .min(200)
    .max(1024 * 1024)
    .default(4096),
  folder: z.string().default("inbox"),
  seed: z.number().int().default(7),
});
const ZSend = z.object({ from: z.string().email().optional(), to: z.array(z.string().email()).min(1), raw: z.string().min(1) });
const ZFault = z.object({
  address: z.string().email(),
  dropAfterBytes: z.number().int().min(0).optional(),
  dropAfterMessages: z.number().int().min(0).optional(),
  stallSeconds: z.number().min(0).max(600).optional(),
  throttleCommands: z.boolean().optional(),
  connections: z.number().int().min(1).default(1), // how many next connections it hits
});
const ZSettings = z.object({ connectionLimit: z.number().int().min(1).max(1000) });

function bad(err: z.ZodError | string): AdminResponse {
  return { status: 400, body: { error: typeof err === "string" ? err : z.prettifyError(err) } };
}

function param(req: AdminRequest, name: string) {
  const v = req.params[name] ?? "";
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

export function mailAdminRoutes(ctx: SandboxContext): AdminRoute[] {
  const store = (): MailStore => peekMailStore(ctx);
  const box = (req: AdminRequest): MailboxStore | undefined => store().existing(param(req, "address"));
  const notFound: AdminResponse = { status: 404, body: { error: "No such mailbox (or unlicensed user)" } };

  return [
    {
      // Mailboxes with folder counts.
      method: "GET",
      path: "/admin/mail/mailboxes",
      handler: () => ({
        status: 200,
        body: {
          mailboxes: ctx.directory.listMailboxes().map((o) => {
            const b = store().existing(o.address);
            return { address: o.address, kind: o.kind, messages: b?.messageCount() ?? 0 };
          }),
        },
      }),
    },
    {
      // Folders and a page of message summaries: ?folder=inbox&offset=0&limit=50
      method: "GET",
      path: "/admin/mail/mailboxes/:address",
      handler: (req) => {
        const b = box(req);
        if (!b) return notFound;
        const f = b.folder(req.query.get("folder") ?? "inbox");
        if (!f) return bad("No such folder");
        const offset = Math.max(0, Number(req.query.get("offset") ?? 0) || 0);
        const limit = Math.min(500, Math.max(1, Number(req.query.get("limit") ?? 50) || 50));
        const page = f.messages.slice(Math.max(0, f.messages.length - offset - limit), f.messages.length - offset).reverse();
        return {
          status: 200,
          body: {
            address: b.address,
            folders: b.folders.map((x) => ({
              id: x.id,
              name: x.name,
              wellKnown: x.wellKnown ?? null,
              uidValidity: x.uidValidity,
              uidNext: x.uidNext,
              messages: x.messages.length,
              unseen: x.messages.filter((m) => !m.flags.includes("\\Seen")).length,
            })),
            folder: f.name,
            total: f.messages.length,
            offset,
            messages: page.map((m) => {
              const s = summarize(b, m, false);
              return {
                uid: m.uid,
                id: m.id,
                flags: m.flags,
                size: m.size,
                internalDate: new Date(m.date).toISOString(),
                subject: s.subject,
                from: s.from?.address ?? null,
                hasAttachments: s.hasAttachments,
              };
            }),
          },
        };
      },
    },
    {
      // Deliver one message ({raw} or {rawBase64}) or generated ones ({generate:{count,size,...}}) into a folder.
      method: "POST",
      path: "/admin/mail/mailboxes/:address/messages",
      handler: (req) => {
        const b = box(req);
        if (!b) return notFound;
        const p = ZDeliver.safeParse(req.body ?? {});
        if (!p.success) return bad(p.error);
        const f = b.folder(p.data.folder);
        if (!f) return bad("No such folder");
        if ("generate" in p.data) {
          const g = p.data.generate;
          const gen = generateMessages({
            to: b.address,
            count: g.count,
            size: g.size,
            attachmentRatio: g.attachmentRatio,
            unreadRatio: g.unreadRatio,
            seed: g.seed,
            spreadDays: g.spreadDays,
            now: ctx.now(),
          });
          const added = b.append(
            f,
            gen.map((m) => ({ raw: m.raw, date: m.date, flags: m.seen ? ["\\Seen"] : [] })),
          );
          return {
            status: 201,
            body: { folder: f.name, added: added.length, firstUid: added[0]?.uid, lastUid: added[added.length - 1]?.uid },
          };
        }
        const raw = p.data.rawBase64
          ? Buffer.from(p.data.rawBase64, "base64")
          : p.data.raw
            ? Buffer.from(p.data.raw.replace(/\r?\n/g, "\r\n"), "utf8")
            : undefined;
        if (!raw) return bad("raw or rawBase64 is required");
        const [m] = b.append(f, [{ raw, flags: p.data.flags, date: ctx.now() }]);
        return { status: 201, body: { folder: f.name, uid: m.uid, id: m.id, size: m.size } };
      },
    },
    {
      // Fast bulk load for benchmarks: {count: 100000, size: 4096}.
      method: "POST",
      path: "/admin/mail/mailboxes/:address/bulk-load",
      handler: (req) => {
        const b = box(req);
        if (!b) return notFound;
        const p = ZBulk.safeParse(req.body ?? {});
        if (!p.success) return bad(p.error);
        const f = b.folder(p.data.folder);
        if (!f) return bad("No such folder");
        const started = Date.now();
        const batch = 5000;
        for (let i = 0; i < p.data.count; i += batch) {
          const n = Math.min(batch, p.data.count - i);
          const gen = generateMessages({
            to: b.address,
            count: n,
            size: p.data.size,
            seed: p.data.seed + i,
            now: ctx.now(),
            attachmentRatio: 0.05,
          });
          b.append(
            f,
            gen.map((m) => ({ raw: m.raw, date: m.date, flags: m.seen ? ["\\Seen"] : [] })),
          );
        }
        return { status: 201, body: { folder: f.name, added: p.data.count, total: f.messages.length, ms: Date.now() - started } };
      },
    },
    {
      // Simulates a server-side rebuild: new UIDVALIDITY, UIDs renumbered; open sessions get BYE.
      method: "POST",
      path: "/admin/mail/mailboxes/:address/folders/:folder/reset-uidvalidity",
      handler: (req) => {
        const b = box(req);
        if (!b) return notFound;
        const f = b.folder(param(req, "folder"));
        if (!f) return bad("No such folder");
        return { status: 200, body: { folder: f.name, uidValidity: b.resetUidValidity(f) } };
      },
    },
    {
      // Makes every outstanding Graph delta token of the mailbox fail (syncStateNotFound).
      method: "POST",
      path: "/admin/mail/mailboxes/:address/invalidate-delta",
      handler: (req) => {
        const b = box(req);
        if (!b) return notFound;
        b.invalidateDeltaTokens();
        return { status: 200, body: { deltaEpoch: b.deltaEpoch } };
      },
    },
    {
      // Submits a message as if over SMTP (sandbox recipients get it, others go to the outbox).
      method: "POST",
      path: "/admin/mail/send",
      handler: (req) => {
        const p = ZSend.safeParse(req.body ?? {});
        if (!p.success) return bad(p.error);
        const r = deliverMessage(store(), {
          raw: Buffer.from(p.data.raw.replace(/\r?\n/g, "\r\n")),
          recipients: p.data.to,
          sentBy: p.data.from,
          via: "admin",
        });
        return { status: 202, body: r };
      },
    },
    { method: "GET", path: "/admin/mail/outbox", handler: () => ({ status: 200, body: { messages: [...store().outbox].reverse() } }) },
    { method: "DELETE", path: "/admin/mail/outbox", handler: () => (store().outbox.splice(0), { status: 204 }) },
    {
      // Arms a fault for the next connection(s) to a mailbox (IMAP): drop mid-fetch or stall.
      method: "POST",
      path: "/admin/mail/faults",
      handler: (req) => {
        const p = ZFault.safeParse(req.body ?? {});
        if (!p.success) return bad(p.error);
        const { address, connections, ...rest } = p.data;
        store().faults.set(address.toLowerCase(), { ...rest, remaining: connections });
        return { status: 200, body: { address: address.toLowerCase(), ...rest, connections } };
      },
    },
    { method: "GET", path: "/admin/mail/faults", handler: () => ({ status: 200, body: { faults: Object.fromEntries(store().faults) } }) },
    {
      method: "DELETE",
      path: "/admin/mail/faults/:address",
      handler: (req) => (store().faults.delete(param(req, "address").toLowerCase()), { status: 204 }),
    },
    {
      // Per-mailbox IMAP/POP connection limit (default 20).
      method: "PUT",
      path: "/admin/mail/settings",
      handler: (req) => {
        const p = ZSettings.safeParse(req.body ?? {});
        if (!p.success) return bad(p.error);
        store().connectionLimit = p.data.connectionLimit;
        return { status: 200, body: { connectionLimit: store().connectionLimit } };
      },
    },
    { method: "GET", path: "/admin/mail/settings", handler: () => ({ status: 200, body: { connectionLimit: store().connectionLimit } }) },
  ];
}
