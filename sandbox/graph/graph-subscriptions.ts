// Change-notification subscriptions for messages
// (https://learn.microsoft.com/en-us/graph/change-notifications-delivery-webhooks): validation handshake,
// 4,230-minute cap, notifications with clientState on store events, lifecycle events on demand.
// Persisted to <dataDir>/mail/subscriptions.json so they survive a restart like Graph's do.
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import { z } from "zod";
import type { SandboxContext } from "../contracts";
import type { MailStore } from "../mail/store/mail-store";
import type { Folder, MailboxStore, StoredMessage } from "../mail/store/mailbox-store";
import { etag } from "./graph-message-json";
import { GraphError, graphDate } from "./graph-http";

export const MAX_MINUTES = 4230;

export const ZCreateSubscription = z.object({
  changeType: z.string().regex(/^(created|updated|deleted)(,(created|updated|deleted))*$/),
  notificationUrl: z.string().url(),
  lifecycleNotificationUrl: z.string().url().optional(),
  resource: z.string().min(1),
  expirationDateTime: z.string().datetime({ offset: true }),
  clientState: z.string().max(128).optional(),
  latestSupportedTlsVersion: z.string().optional(),
});
export const ZRenewSubscription = z.object({ expirationDateTime: z.string().datetime({ offset: true }) });

export type Subscription = {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  expirationDateTime: string;
  clientState: string | null;
  applicationId: string;
  creatorId: string;
  tenantId: string;
  mailbox: string; // address
  ownerId: string; // user or shared mailbox id for resource paths
  folderId: string | null; // null = all folders
};

export function subscriptionJson(s: Subscription) {
  return {
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity",
    id: s.id,
    resource: s.resource,
    applicationId: s.applicationId,
    changeType: s.changeType,
    clientState: s.clientState,
    notificationUrl: s.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: s.lifecycleNotificationUrl,
    expirationDateTime: s.expirationDateTime,
    creatorId: s.creatorId,
    includeResourceData: null,
    latestSupportedTlsVersion: "v1_2",
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  };
}

function isLoopback(u: URL) {
  return ["localhost", "127.0.0.1", "[::1]", "::1"].includes(u.hostname);
}

/** POSTs to a webhook with a timeout; resolves status and body text. */
function post(
  ctx: SandboxContext,
  urlText: string,
  body: string,
  contentType: string,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(urlText);
    const lib = u.protocol === "https:" ? https : http;
    const req = lib.request(
      u,
      {
        method: "POST",
        headers: { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body) },
        ca: u.protocol === "https:" ? ctx.tls.ca : undefined,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
    req.on("error", reject);
    req.end(body);
  });
}

export class SubscriptionManager {
  readonly subs = new Map<string, Subscription>();
  private listeners = new Map<string, () => void>(); // per mailbox address
  validationTimeoutMs = 10_000;

  constructor(
    private readonly ctx: SandboxContext,
    private readonly store: MailStore,
  ) {
    try {
      const saved = JSON.parse(fs.readFileSync(this.file, "utf8")) as Subscription[];
      for (const s of saved) this.subs.set(s.id, s);
    } catch {
      // first start
    }
    for (const s of this.subs.values()) this.listen(s.mailbox);
  }

  private get file() {
    return path.join(this.ctx.dataDir, "mail", "subscriptions.json");
  }

  private save() {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.writeFileSync(this.file, JSON.stringify([...this.subs.values()]));
  }

  async validateUrl(url: string) {
    const u = new URL(url);
    if (u.protocol !== "https:" && !(u.protocol === "http:" && isLoopback(u))) {
      throw new GraphError(400, "ValidationError", "The Notification Url must be https.");
    }
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    const target = `${url}${url.includes("?") ? "&" : "?"}validationToken=${encodeURIComponent(token)}`;
    let res: { status: number; text: string };
    try {
      res = await post(this.ctx, target, "", "text/plain; charset=utf-8", this.validationTimeoutMs);
    } catch (e) {
      if ((e as { code?: string }).code === "TIMEOUT")
        throw new GraphError(400, "ValidationError", "Subscription validation request timed out.");
      throw new GraphError(
        400,
        "ValidationError",
        "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.",
      );
    }
    if (res.status !== 200) {
      const names: Record<number, string> = {
        400: "BadRequest",
        401: "Unauthorized",
        403: "Forbidden",
        404: "NotFound",
        500: "InternalServerError",
        503: "ServiceUnavailable",
      };
      throw new GraphError(
        400,
        "ValidationError",
        `Subscription validation request failed. HTTP status code is '${names[res.status] ?? res.status}'. Notification endpoint must respond with 200 OK to validation request.`,
      );
    }
    if (res.text !== token)
      throw new GraphError(400, "ValidationError", "Subscription validation request failed. Must respond with 200 OK to this request.");
  }

  add(s: Subscription) {
    this.subs.set(s.id, s);
    this.save();
    this.listen(s.mailbox);
  }

  renew(s: Subscription, expirationDateTime: string) {
    s.expirationDateTime = expirationDateTime;
    this.save();
  }

  remove(id: string) {
    this.subs.delete(id);
    this.save();
  }

  private listen(address: string) {
    if (this.listeners.has(address)) return;
    const box = this.store.mailbox(address);
    const onExists = (f: Folder, added: StoredMessage[]) =>
      this.fire(
        box,
        f,
        "created",
        added.map((m) => m),
      );
    const onFlags = (f: Folder, m: StoredMessage) => this.fire(box, f, "updated", [m]);
    const onExpunge = (f: Folder, uids: number[]) =>
      this.fire(
        box,
        f,
        "deleted",
        f.removed.slice(-uids.length).map((r) => ({ id: r.id, modseq: r.modseq }) as StoredMessage),
      );
    box.on("exists", onExists);
    box.on("flags", onFlags);
    box.on("expunge", onExpunge);
    this.listeners.set(address, () => {
      box.off("exists", onExists);
      box.off("flags", onFlags);
      box.off("expunge", onExpunge);
    });
  }

  // Changes are queued per subscription and sent in batches shortly after, so a bulk STORE or
  // bulk load turns into a few POSTs (at most 1,000 items per flush, 100 per POST), not thousands.
  private queue = new Map<string, object[]>();
  private flushTimer: NodeJS.Timeout | null = null;

  private fire(box: MailboxStore, folder: Folder, changeType: "created" | "updated" | "deleted", msgs: StoredMessage[]) {
    const now = this.ctx.now().getTime();
    for (const s of this.subs.values()) {
      if (s.mailbox !== box.address || (s.folderId && s.folderId !== folder.id)) continue;
      if (!s.changeType.split(",").includes(changeType) || Date.parse(s.expirationDateTime) < now) continue;
      const q = this.queue.get(s.id) ?? [];
      for (const m of msgs) {
        if (q.length >= 1000) break;
        // Shape of the documented Outlook example: `resource` in lower case, `@odata.id` in
        // Pascal case, both naming the mailbox as {user id}@{tenant id}.
        q.push({
          id: randomBytes(10).toString("base64url"),
          subscriptionId: s.id,
          subscriptionExpirationDateTime: s.expirationDateTime,
          changeType,
          resource: `users/${s.ownerId}@${s.tenantId}/messages/${m.id}`,
          resourceData: {
            "@odata.type": "#Microsoft.Graph.Message",
            "@odata.id": `Users/${s.ownerId}@${s.tenantId}/Messages/${m.id}`,
            "@odata.etag": etag(m),
            id: m.id,
          },
          clientState: s.clientState,
          tenantId: s.tenantId,
        });
      }
      this.queue.set(s.id, q);
    }
    if (this.queue.size && !this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), 20);
  }

  private flush() {
    this.flushTimer = null;
    for (const [id, value] of this.queue) {
      const s = this.subs.get(id);
      if (!s) continue;
      for (let i = 0; i < value.length; i += 100) {
        post(
          this.ctx,
          s.notificationUrl,
          JSON.stringify({ value: value.slice(i, i + 100) }),
          "application/json; charset=utf-8",
          3000,
        ).catch((e) => this.ctx.log("graph notification failed", { subscriptionId: s.id, error: (e as Error).message }));
      }
    }
    this.queue.clear();
  }

  async lifecycle(s: Subscription, event: "reauthorizationRequired" | "missed" | "subscriptionRemoved") {
    const body = JSON.stringify({
      value: [
        {
          subscriptionId: s.id,
          subscriptionExpirationDateTime: s.expirationDateTime,
          tenantId: s.tenantId,
          clientState: s.clientState,
          lifecycleEvent: event,
        },
      ],
    });
    if (event === "subscriptionRemoved") this.remove(s.id);
    if (!s.lifecycleNotificationUrl) return { delivered: false, status: 0 };
    const res = await post(this.ctx, s.lifecycleNotificationUrl, body, "application/json; charset=utf-8", 3000).catch(() => ({
      status: 0,
      text: "",
    }));
    return { delivered: res.status >= 200 && res.status < 300, status: res.status };
  }

  stop() {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const off of this.listeners.values()) off();
    this.listeners.clear();
  }
}

export function checkExpiration(expiration: string, now: Date) {
  const t = Date.parse(expiration);
  if (t > now.getTime() + MAX_MINUTES * 60_000 + 60_000) {
    throw new GraphError(400, "ExtensionError", `Subscription expiration can only be ${MAX_MINUTES} minutes in the future.`);
  }
  if (t <= now.getTime()) throw new GraphError(400, "ExtensionError", "Subscription expiration must be in the future.");
  return graphDate(t).replace("Z", ".0000000Z");
}

export { graphDate };
