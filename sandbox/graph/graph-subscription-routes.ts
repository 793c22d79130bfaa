// /subscriptions: create (with validation handshakes), list, get, renew (PATCH), delete.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { MailboxOwner, SandboxContext } from "../contracts";
import type { MailStore } from "../mail/store/mail-store";
import { authorizeMailbox, resolveTarget, type Principal } from "./graph-auth";
import { errors, json, segments, sendJson, type GraphReq } from "./graph-http";
import {
  checkExpiration,
  subscriptionJson,
  ZCreateSubscription,
  ZRenewSubscription,
  type Subscription,
  type SubscriptionManager,
} from "./graph-subscriptions";

export async function subscriptionRoutes(
  ctx: SandboxContext,
  store: MailStore,
  subs: SubscriptionManager,
  g: GraphReq,
  p: Principal,
  method: string,
  t: string[],
) {
  const visible = (s: Subscription) => s.applicationId === p.claims.appid && s.tenantId === p.claims.tid;
  if (t.length === 0 && method === "GET") {
    return sendJson(g, 200, {
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#subscriptions",
      value: [...subs.subs.values()].filter(visible).map(subscriptionJson),
    });
  }
  if (t.length === 0 && method === "POST") {
    const body = ZCreateSubscription.safeParse(json(g));
    if (!body.success) throw errors.badRequest(z.prettifyError(body.error), "InvalidRequest");
    const d = body.data;
    const expiration = checkExpiration(d.expirationDateTime, ctx.now());
    const rs = segments(d.resource.replace(/^\/+/, ""));
    let owner: MailboxOwner;
    let rest: string[];
    if (rs[0]?.toLowerCase() === "me") [owner, rest] = [resolveTarget(ctx, p, "me"), rs.slice(1)];
    else if (rs[0]?.toLowerCase() === "users" && rs[1]) [owner, rest] = [resolveTarget(ctx, p, rs[1]), rs.slice(2)];
    else throw errors.badRequest("Resource not supported.", "ExtensionError");
    authorizeMailbox(p, owner, "read", ctx);
    const box = store.mailbox(owner.address);
    let folderId: string | null = null;
    if (rest[0]?.toLowerCase() === "mailfolders" && rest[1] && rest[2]?.toLowerCase() === "messages" && rest.length === 3) {
      const f = box.folder(rest[1]);
      if (!f) throw errors.notFound();
      folderId = f.id;
    } else if (!(rest[0]?.toLowerCase() === "messages" && rest.length === 1)) {
      throw errors.badRequest("Resource not supported.", "ExtensionError");
    }
    await subs.validateUrl(d.notificationUrl);
    if (d.lifecycleNotificationUrl) await subs.validateUrl(d.lifecycleNotificationUrl);
    const sub: Subscription = {
      id: randomUUID(),
      resource: d.resource,
      changeType: d.changeType,
      notificationUrl: d.notificationUrl,
      lifecycleNotificationUrl: d.lifecycleNotificationUrl ?? null,
      expirationDateTime: expiration,
      clientState: d.clientState ?? null,
      applicationId: p.claims.appid,
      creatorId: p.claims.oid ?? p.claims.appid,
      tenantId: p.claims.tid,
      mailbox: owner.address,
      ownerId: owner.kind === "user" ? owner.user.id : owner.shared.id,
      folderId,
    };
    subs.add(sub);
    return sendJson(g, 201, subscriptionJson(sub));
  }
  const sub = subs.subs.get(t[0] ?? "");
  if (!sub || !visible(sub) || t.length !== 1) throw errors.resourceNotFound();
  if (method === "GET") return sendJson(g, 200, subscriptionJson(sub));
  if (method === "DELETE") {
    subs.remove(sub.id);
    return sendJson(g, 204, undefined);
  }
  if (method === "PATCH") {
    const body = ZRenewSubscription.safeParse(json(g));
    if (!body.success) throw errors.badRequest(z.prettifyError(body.error), "InvalidRequest");
    subs.renew(sub, checkExpiration(body.data.expirationDateTime, ctx.now()));
    return sendJson(g, 200, subscriptionJson(sub));
  }
  throw errors.resourceNotFound();
}
