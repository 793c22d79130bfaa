import "server-only";
// Push for Graph mailboxes: a change-notification subscription on the mailbox's folder, so new
// mail makes the worker sync within seconds instead of at the next poll (polling stays as the
// safety net). Subscriptions last at most 4,230 minutes; the worker renews them half a day ahead,
// and re-creates them after Graph removes one. Notifications prove themselves with clientState.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { db } from "../db/client";
import { env } from "../env";
import { graphClient, graphFailure } from "../mail/graph";
import { classify } from "../diagnostics/classify";
import { TokenError } from "../grants/get-access-token";
import { mailboxToken } from "../grants/mailbox-token";
import type { TCloudHosts } from "../microsoft/clouds";
import { announceDue } from "./wakeups";

const LIFETIME_MIN = 4_200; // under Graph's 4,230-minute maximum for messages
const RENEW_AHEAD_MS = 12 * 3600_000;
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

export const notificationUrl = () => `${env().CONSENTRY_PUBLIC_URL.replace(/\/$/, "")}/api/graph/notifications`;

/** Graph refuses non-HTTPS notification URLs; the sandbox also takes http on loopback. */
function pushPossible(cloud: string, url: string) {
  const u = new URL(url);
  return u.protocol === "https:" || (cloud === "sandbox" && ["localhost", "127.0.0.1", "[::1]"].includes(u.hostname));
}

type TCtx = { workspaceId: string; tenantId: string; mailboxId: string };

/** Creates or renews one mailbox's subscription. Returns what happened, never throws for Graph errors. */
export async function ensureSubscription(
  ctx: TCtx,
  opts: { url?: string; now?: Date } = {},
): Promise<"created" | "renewed" | "fresh" | "skipped" | "failed"> {
  const now = opts.now ?? new Date();
  const url = opts.url ?? notificationUrl();
  const mb = await db().mailbox.findFirst({
    where: { id: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId },
    select: { address: true, folder: true, inbound: true, state: true, tenant: { select: { cloud: true } }, graphSubscription: true },
  });
  if (!mb || mb.inbound !== "graph" || !["connected", "degraded"].includes(mb.state) || !pushPossible(mb.tenant.cloud, url))
    return "skipped";
  const sub = mb.graphSubscription;
  if (sub && sub.notificationUrl === url && sub.expiresAt.getTime() - now.getTime() > RENEW_AHEAD_MS) return "fresh";
  let hosts: TCloudHosts;
  let token: string;
  try {
    ({ hosts, accessToken: token } = await mailboxToken({ ...ctx, cloud: mb.tenant.cloud }, "graph"));
  } catch (err) {
    if (err instanceof TokenError) return "failed"; // the token layer already diagnosed the mailbox
    throw err;
  }
  const client = graphClient(hosts.graphUrl, token);
  const expirationDateTime = new Date(now.getTime() + LIFETIME_MIN * 60_000).toISOString();
  try {
    if (sub && sub.notificationUrl === url) {
      try {
        await client.api(`/subscriptions/${sub.id}`).patch({ expirationDateTime });
        await db().graphSubscription.update({ where: { id: sub.id }, data: { expiresAt: new Date(expirationDateTime) } });
        return "renewed";
      } catch (err) {
        // Gone at Graph (removed, expired): make a new one below.
        if ((err as { statusCode?: number }).statusCode !== 404) throw err;
      }
    }
    const clientState = randomBytes(24).toString("base64url");
    const folder = mb.folder.toUpperCase() === "INBOX" ? "inbox" : encodeURIComponent(mb.folder);
    const created = (await client.api("/subscriptions").post({
      changeType: "created",
      notificationUrl: url,
      lifecycleNotificationUrl: url,
      resource: `/users/${encodeURIComponent(mb.address)}/mailFolders/${folder}/messages`,
      expirationDateTime,
      clientState,
    })) as { id: string; expirationDateTime: string };
    await db().$transaction([
      db().graphSubscription.deleteMany({ where: { mailboxId: ctx.mailboxId } }),
      db().graphSubscription.create({
        data: {
          id: created.id,
          ...ctx,
          clientStateHash: sha(clientState),
          notificationUrl: url,
          expiresAt: new Date(created.expirationDateTime),
        },
      }),
    ]);
    return "created";
  } catch (err) {
    const d = classify(graphFailure(err));
    await db().event.create({
      data: {
        ...ctx,
        level: "warn",
        code: "graph_push_unavailable",
        message: `Couldn't subscribe to new-mail notifications (${d.title}); the mailbox is polled every minute instead.`,
        detail: { diagnosis: d.code, evidence: d.evidence.summary },
      },
    });
    return "failed";
  }
}

/** Worker round: every Graph mailbox that may push gets a fresh subscription. */
export async function ensureGraphSubscriptions(opts: { url?: string; now?: Date } = {}): Promise<number> {
  const now = opts.now ?? new Date();
  const due = await db().mailbox.findMany({
    where: {
      inbound: "graph",
      state: { in: ["connected", "degraded"] },
      grant: { isNot: null },
      OR: [{ graphSubscription: null }, { graphSubscription: { expiresAt: { lt: new Date(now.getTime() + RENEW_AHEAD_MS) } } }],
    },
    select: { id: true, workspaceId: true, tenantId: true },
    take: 200,
  });
  // A mailbox whose subscription just failed is retried hourly, not every round.
  const recent = await db().event.findMany({
    where: {
      code: "graph_push_unavailable",
      mailboxId: { in: due.map((d) => d.id) },
      createdAt: { gt: new Date(now.getTime() - 3600_000) },
    },
    select: { mailboxId: true },
  });
  const skip = new Set(recent.map((r) => r.mailboxId));
  let n = 0;
  for (const m of due.filter((d) => !skip.has(d.id)))
    if (
      ["created", "renewed"].includes(await ensureSubscription({ workspaceId: m.workspaceId, tenantId: m.tenantId, mailboxId: m.id }, opts))
    )
      n++;
  return n;
}

const ZNotification = z.object({
  value: z
    .array(
      z
        .object({
          subscriptionId: z.string().max(100),
          clientState: z.string().max(200).nullish(),
          changeType: z.string().max(50).optional(),
          // Any string: Graph's lifecycle events are an evolvable enumeration, and one value we
          // don't know must not make the whole batch fail (Graph would retry it for hours).
          lifecycleEvent: z.string().max(50).optional(),
        })
        .passthrough(),
    )
    .max(1000),
});

/** The public endpoint's logic: the validation handshake, then notifications. */
export async function handleGraphNotification(input: {
  validationToken: string | null;
  body: unknown;
}): Promise<{ status: number; text?: string }> {
  // Graph checks the URL by asking us to echo a token, as plain text, within 10 seconds.
  if (input.validationToken !== null) return { status: 200, text: input.validationToken.slice(0, 1000) };
  const parsed = ZNotification.safeParse(input.body);
  if (!parsed.success) return { status: 400 };
  const now = new Date();
  const due: string[] = [];
  const heard: string[] = [];
  // One query for the whole batch: the endpoint is public, so a flood costs one lookup per POST.
  const subs = new Map(
    (await db().graphSubscription.findMany({ where: { id: { in: [...new Set(parsed.data.value.map((n) => n.subscriptionId))] } } })).map(
      (s) => [s.id, s],
    ),
  );
  for (const n of parsed.data.value) {
    const sub = subs.get(n.subscriptionId);
    // Unknown or forged: ignore (answering 2xx, so Graph doesn't retry a notification we'll never accept).
    if (!sub || !n.clientState) continue;
    const a = Buffer.from(sha(n.clientState));
    const b = Buffer.from(sub.clientStateHash);
    if (a.length !== b.length || !timingSafeEqual(a, b)) continue;
    if (n.lifecycleEvent === "subscriptionRemoved") {
      await db()
        .graphSubscription.delete({ where: { id: sub.id } })
        .catch(() => undefined);
    } else if (n.lifecycleEvent === "reauthorizationRequired") {
      await db().graphSubscription.update({ where: { id: sub.id }, data: { expiresAt: now } });
    }
    // New mail, or notifications were missed: sync now.
    if (n.lifecycleEvent !== "reauthorizationRequired") {
      due.push(sub.mailboxId);
      heard.push(sub.id);
    }
  }
  if (due.length) {
    // Due now and every worker woken (lib/sync/wakeups.ts) before anything else.
    await announceDue(due);
    await db().graphSubscription.updateMany({
      where: { id: { in: [...new Set(heard)] } },
      data: { lastNotificationAt: now },
    });
  }
  return { status: 202 };
}
