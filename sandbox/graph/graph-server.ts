// Microsoft Graph mail endpoints over HTTPS on their own port (base https://localhost:4011/v1.0).
import type { IncomingMessage, ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import type { MailboxOwner, SandboxContext } from "../contracts";
import type { MailStore } from "../mail/store/mail-store";
import type { Folder, MailboxStore, StoredMessage } from "../mail/store/mailbox-store";
import { authenticate, authorizeMailbox, authorizeProfile, resolveTarget, type MailAccessKind, type Principal } from "./graph-auth";
import { decodeDelta, deltaPage, syncStateNotFound } from "./graph-delta";
import { errors, GraphError, json, newRequestIds, segments, sendError, sendJson, sendRaw, type GraphReq } from "./graph-http";
import { folderJson, messageJson } from "./graph-message-json";
import type { SubscriptionManager } from "./graph-subscriptions";
import { subscriptionRoutes } from "./graph-subscription-routes";
import { sendMail } from "./graph-send-mail";
import { type GraphThrottle } from "./graph-throttle";
import { runBatch } from "./graph-batch";

const ZMove = z.object({ destinationId: z.string().min(1) });
const ZPatch = z
  .object({ isRead: z.boolean().optional(), flag: z.object({ flagStatus: z.enum(["flagged", "notFlagged", "complete"]) }).optional() })
  .passthrough();

export type GraphRuntime = { throttle: GraphThrottle; subs: SubscriptionManager };

function parseFilter(filter: string | null): ((m: StoredMessage) => boolean) | undefined {
  if (!filter) return undefined;
  const preds: ((m: StoredMessage) => boolean)[] = [];
  for (const clause of filter.replace(/[()]/g, " ").split(/\s+and\s+/i)) {
    const m = /^\s*(receivedDateTime|isRead)\s+(eq|ne|ge|gt|le|lt)\s+(.+?)\s*$/i.exec(clause);
    if (!m) throw errors.badRequest(`Invalid filter clause: ${clause.trim()}`, "ErrorInvalidUrlQueryFilter");
    const [, prop, op, val] = m;
    if (prop.toLowerCase() === "isread") {
      const want = val.toLowerCase() === "true";
      preds.push((x) => (x.flags.includes("\\Seen") === want) === (op.toLowerCase() === "eq"));
      continue;
    }
    const t = Date.parse(val.replace(/^'|'$/g, ""));
    if (Number.isNaN(t)) throw errors.badRequest(`Invalid filter clause: ${clause.trim()}`, "ErrorInvalidUrlQueryFilter");
    const cmp: Record<string, (a: number) => boolean> = {
      eq: (a) => a === t,
      ne: (a) => a !== t,
      ge: (a) => a >= t,
      gt: (a) => a > t,
      le: (a) => a <= t,
      lt: (a) => a < t,
    };
    const f = cmp[op.toLowerCase()];
    // receivedDateTime has second precision in Graph.
    preds.push((x) => f(Math.floor(x.date / 1000) * 1000));
  }
  return (x) => preds.every((p) => p(x));
}

function selectList(g: GraphReq) {
  const s = g.url.searchParams.get("$select");
  return s
    ? s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean)
    : undefined;
}

export function createGraphHandler(ctx: SandboxContext, store: MailStore, rt: GraphRuntime, baseRef: { base: string }) {
  async function route(g: GraphReq, method: string) {
    const seg = segments(g.url.pathname);
    if (seg[0] !== "v1.0" && seg[0] !== "beta") throw errors.resourceNotFound();
    const p = g.principal ?? (await authenticate(ctx, g));
    const rest = seg.slice(1);
    // JSON batching: each request inside runs through this same route (graph-batch.ts).
    if (rest[0] === "$batch" && rest.length === 1) {
      if (method !== "POST") throw errors.badRequest("Invalid batch payload format.");
      // The batch's requests go with its bearer token, checked once here.
      return sendJson(g, 200, await runBatch({ ...g, principal: p }, route, failed));
    }
    if (rest[0] === "subscriptions") return subscriptionRoutes(ctx, store, rt.subs, g, p, method, rest.slice(1));
    // The profile itself (GET /me, GET /users/{id}) is a directory read: user permissions first,
    // then the directory's own 404 for a missing user.
    if (method === "GET" && ((rest[0] === "me" && rest.length === 1) || (rest[0] === "users" && rest.length === 2)))
      return userProfile(g, p, rest[0] === "me" ? "me" : rest[1]);
    let owner: MailboxOwner;
    let tail: string[];
    if (rest[0] === "me") {
      owner = resolveTarget(ctx, p, "me");
      tail = rest.slice(1);
    } else if (rest[0] === "users" && rest[1]) {
      owner = resolveTarget(ctx, p, rest[1]);
      tail = rest.slice(2);
    } else throw errors.unknownSegment(rest[0] ?? "");
    const kind: MailAccessKind = tail[0] === "sendMail" ? "send" : method === "GET" ? "read" : "write";
    authorizeMailbox(p, owner, kind, ctx);
    const release = rt.throttle.admit(p.claims.appid, owner.address, ctx.now().getTime());
    try {
      if (rt.throttle.settings.latencyMs) await new Promise((r) => setTimeout(r, rt.throttle.settings.latencyMs));
      return await mailbox(g, p, method, owner, store.mailbox(owner.address), tail);
    } finally {
      release();
    }
  }

  function userProfile(g: GraphReq, p: Principal, segment: string) {
    let owner: MailboxOwner | undefined;
    try {
      owner = resolveTarget(ctx, p, segment);
    } catch (e) {
      // /me with an app-only token keeps its 400; a missing user is checked after permissions.
      if (segment === "me" || !(e instanceof GraphError) || e.code !== "ErrorInvalidUser") throw e;
    }
    authorizeProfile(p, owner);
    if (!owner) throw errors.directoryObjectNotFound(decodeURIComponent(segment));
    return userJson(g, owner);
  }

  function userJson(g: GraphReq, owner: MailboxOwner) {
    const u = owner.kind === "user" ? owner.user : undefined;
    const name = u?.displayName ?? (owner.kind === "shared" ? owner.shared.displayName : owner.address);
    // The default property set; others (proxyAddresses among them) only when $select names them,
    // and $select returns exactly what it names (https://learn.microsoft.com/en-us/graph/api/user-get).
    const all: Record<string, unknown> = {
      businessPhones: [],
      displayName: name,
      givenName: name.split(" ")[0] ?? null,
      jobTitle: null,
      mail: u ? u.mail : owner.address,
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: null,
      surname: name.split(" ").slice(1).join(" ") || null,
      userPrincipalName: u ? u.upn : owner.address,
      id: u?.id ?? (owner.kind === "shared" ? owner.shared.id : ""),
    };
    const extra: Record<string, unknown> = {
      proxyAddresses: u ? u.proxyAddresses : owner.kind === "shared" ? [`SMTP:${owner.shared.address}`] : [],
      accountEnabled: u ? !u.isDisabled : false,
    };
    const select = (g.url.searchParams.get("$select") ?? "")
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean);
    if (!select.length) {
      sendJson(g, 200, { "@odata.context": `https://graph.microsoft.com/v1.0/$metadata#users/$entity`, ...all });
      return;
    }
    const known = { ...all, ...extra };
    const byLower = new Map(Object.keys(known).map((k) => [k.toLowerCase(), k]));
    // Only the properties the sandbox models; Graph's answer to an unknown name isn't reproduced.
    const picked = select.map((x) => byLower.get(x.toLowerCase())).filter((k): k is string => !!k);
    sendJson(g, 200, {
      "@odata.context": `https://graph.microsoft.com/v1.0/$metadata#users(${picked.join(",")})/$entity`,
      ...Object.fromEntries(picked.map((k) => [k, known[k]])),
    });
  }

  function findMessage(box: MailboxStore, id: string, folder?: Folder) {
    const hit = box.byId.get(id);
    if (!hit || (folder && hit.folder !== folder)) throw errors.notFound();
    return hit;
  }

  function folderOf(box: MailboxStore, id: string) {
    const f = box.folder(id);
    if (!f) throw errors.notFound();
    return f;
  }

  function ownerPath(owner: MailboxOwner) {
    return owner.kind === "user" ? `users('${owner.user.id}')` : `users('${owner.shared.id}')`;
  }

  async function mailbox(g: GraphReq, p: Principal, method: string, owner: MailboxOwner, box: MailboxStore, t: string[]) {
    const select = selectList(g);
    // /sendMail
    if (t[0] === "sendMail" && t.length === 1 && method === "POST") return sendMail(ctx, store, g, p, owner);
    // /mailFolders[/id[/childFolders|/messages[/delta|/id...]]]
    let folder: Folder | undefined;
    let i = 0;
    if (t[0] === "mailFolders") {
      if (t.length === 1 && method === "GET") {
        const top = box.folders.filter((f) => !f.name.includes("/"));
        return sendJson(g, 200, {
          "@odata.context": `https://graph.microsoft.com/v1.0/$metadata#${ownerPath(owner)}/mailFolders`,
          value: top.map((f) => folderJson(box, f)),
        });
      }
      folder = folderOf(box, t[1]);
      if (t.length === 2 && method === "GET")
        return sendJson(g, 200, {
          "@odata.context": `https://graph.microsoft.com/v1.0/$metadata#${ownerPath(owner)}/mailFolders/$entity`,
          ...folderJson(box, folder),
        });
      if (t[2] === "childFolders" && t.length === 3 && method === "GET") {
        const f = folder;
        const kids = box.folders.filter((x) => x.name.startsWith(f.name + "/") && !x.name.slice(f.name.length + 1).includes("/"));
        return sendJson(g, 200, { value: kids.map((x) => folderJson(box, x)) });
      }
      i = 2;
    }
    if (t[i] !== "messages") throw t[i] === undefined ? errors.resourceNotFound() : errors.unknownSegment(t[i]);
    const mt = t.slice(i + 1);
    if (mt.length === 0 && method === "GET") return listMessages(g, owner, box, folder, select);
    if (mt[0] === "delta" && mt.length === 1 && method === "GET") {
      if (!folder) throw errors.badRequest("Change tracking is not supported against 'microsoft.graph.message'.", "BadRequest");
      return delta(g, box, folder, select);
    }
    const hit = findMessage(box, mt[0], folder);
    if (mt.length === 1) {
      if (method === "GET")
        return sendJson(g, 200, {
          "@odata.context": `https://graph.microsoft.com/v1.0/$metadata#${ownerPath(owner)}/messages/$entity`,
          ...messageJson(box, hit.folder, hit.msg, select),
        });
      if (method === "PATCH") {
        const body = ZPatch.safeParse(json(g));
        if (!body.success) throw errors.badRequest("Invalid request.", "ErrorInvalidRequest");
        let flags = [...hit.msg.flags];
        if (body.data.isRead !== undefined) flags = body.data.isRead ? [...flags, "\\Seen"] : flags.filter((f) => f !== "\\Seen");
        if (body.data.flag)
          flags = body.data.flag.flagStatus === "flagged" ? [...flags, "\\Flagged"] : flags.filter((f) => f !== "\\Flagged");
        box.setFlags(hit.folder, hit.msg, flags);
        return sendJson(g, 200, {
          "@odata.context": `https://graph.microsoft.com/v1.0/$metadata#${ownerPath(owner)}/messages/$entity`,
          ...messageJson(box, hit.folder, hit.msg),
        });
      }
      if (method === "DELETE") {
        const trash = box.folder("deleteditems")!;
        if (hit.folder === trash) box.expunge(trash, [hit.msg.uid]);
        else box.move(hit.folder, [hit.msg.uid], trash);
        return sendJson(g, 204, undefined);
      }
    }
    if (mt[1] === "$value" && mt.length === 2 && method === "GET") return sendRaw(g, 200, box.readRaw(hit.msg), "text/plain");
    if ((mt[1] === "move" || mt[1] === "copy") && mt.length === 2 && method === "POST") {
      const body = ZMove.safeParse(json(g));
      if (!body.success) throw errors.badRequest("Empty Payload. JSON content expected.", "ErrorInvalidRequest");
      const dest = box.folder(body.data.destinationId);
      if (!dest) throw errors.notFound();
      const [[, moved]] = mt[1] === "move" ? box.move(hit.folder, [hit.msg.uid], dest) : box.copy(hit.folder, [hit.msg.uid], dest);
      return sendJson(g, 201, {
        "@odata.context": `https://graph.microsoft.com/v1.0/$metadata#${ownerPath(owner)}/messages/$entity`,
        ...messageJson(box, dest, moved),
      });
    }
    throw errors.resourceNotFound();
  }

  function listMessages(g: GraphReq, owner: MailboxOwner, box: MailboxStore, folder: Folder | undefined, select?: string[]) {
    const q = g.url.searchParams;
    const top = Math.min(1000, Math.max(1, Number(q.get("$top") ?? 10) || 10));
    const skip = Math.max(0, Number(q.get("$skip") ?? 0) || 0);
    const filter = parseFilter(q.get("$filter"));
    const order = (q.get("$orderby") ?? "receivedDateTime desc").trim();
    if (!/^receivedDateTime( (asc|desc))?$/i.test(order)) throw errors.badRequest("The $orderby is not supported.", "ErrorInvalidUrlQuery");
    const asc = /asc$/i.test(order) || (!/desc$/i.test(order) && /^receivedDateTime$/i.test(order));
    const pool: { f: Folder; m: StoredMessage }[] = [];
    for (const f of folder ? [folder] : box.folders) for (const m of f.messages) if (!filter || filter(m)) pool.push({ f, m });
    pool.sort((a, b) => (asc ? a.m.date - b.m.date || a.m.uid - b.m.uid : b.m.date - a.m.date || b.m.uid - a.m.uid));
    const page = pool.slice(skip, skip + top);
    const body: Record<string, unknown> = {
      "@odata.context": `https://graph.microsoft.com/v1.0/$metadata#${ownerPath(owner)}/${folder ? `mailFolders('${folder.wellKnown ?? folder.id}')/` : ""}messages`,
      value: page.map((x) => messageJson(box, x.f, x.m, select)),
    };
    if (skip + top < pool.length) {
      const next = new URL(g.url.toString().replace(/^[^/]+\/\/[^/]+\/v1\.0/, g.base));
      next.searchParams.set("$skip", String(skip + top));
      next.searchParams.set("$top", String(top));
      body["@odata.nextLink"] = next.toString();
    }
    sendJson(g, 200, body);
  }

  /** First-request options, carried inside the tokens afterwards
   *  (https://learn.microsoft.com/en-us/graph/delta-query-messages). */
  function deltaOptions(q: URLSearchParams) {
    const out: { c?: "created" | "updated" | "deleted"; g?: number; gx?: boolean } = {};
    const ct = q.get("changeType");
    if (ct) {
      if (ct !== "created" && ct !== "updated" && ct !== "deleted")
        throw errors.badRequest(`Invalid changeType '${ct}'.`, "ErrorInvalidUrlQuery");
      out.c = ct;
    }
    const filter = q.get("$filter");
    if (filter) {
      const m = /^\s*receivedDateTime\s+(ge|gt)\s+(\S+)\s*$/i.exec(filter);
      const t = m ? Date.parse(m[2].replace(/^'|'$/g, "")) : NaN;
      if (!m || Number.isNaN(t))
        throw errors.badRequest("Only receivedDateTime ge|gt is supported in $filter for delta.", "ErrorInvalidUrlQueryFilter");
      out.g = t;
      out.gx = m[1].toLowerCase() === "gt";
    }
    return out;
  }

  function delta(g: GraphReq, box: MailboxStore, folder: Folder, select?: string[]) {
    const q = g.url.searchParams;
    const token = q.get("$skiptoken") ?? q.get("$deltatoken") ?? q.get("$deltaToken") ?? q.get("$skipToken");
    const selfPath = `${g.base}${g.url.pathname.replace(/^\/v1\.0/, "")}`;
    let state = token ? decodeDelta(token) : { f: folder.id, e: box.deltaEpoch, w: 0, o: 0, i: true, s: select, ...deltaOptions(q) };
    if (!state || state.f !== folder.id || state.e !== box.deltaEpoch)
      throw syncStateNotFound(`${selfPath}?$deltatoken=`, state?.e ?? 0, box.deltaEpoch);
    const prefer = /odata\.maxpagesize=(\d+)/i.exec(String(g.req.headers.prefer ?? ""));
    const size = prefer ? Math.max(1, Math.min(1000, Number(prefer[1]))) : 10;
    const page = deltaPage(box, folder, state, size);
    const body: Record<string, unknown> = {
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(message)",
      value: page.value,
    };
    if (page.next) body["@odata.nextLink"] = `${selfPath}?$skiptoken=${page.next}`;
    else body["@odata.deltaLink"] = `${selfPath}?$deltatoken=${page.delta}`;
    state = undefined;
    sendJson(g, 200, body, prefer ? { "Preference-Applied": `odata.maxpagesize=${size}` } : {});
  }

  function failed(g: GraphReq, e: unknown) {
    if (e instanceof GraphError) sendError(g, e);
    else {
      ctx.log("graph request failed", { error: (e as Error).message, path: g.url.pathname });
      sendError(g, new GraphError(500, "generalException", "An unexpected error occurred."));
    }
  }

  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const ids = newRequestIds(req);
      const g: GraphReq = {
        req,
        res,
        url: new URL(req.url ?? "/", baseRef.base),
        base: baseRef.base,
        body: Buffer.concat(chunks),
        now: ctx.now(),
        ...ids,
      };
      g.preferText = /outlook\.body-content-type\s*=\s*"?text"?/i.test(String(req.headers.prefer ?? ""));
      try {
        await route(g, req.method ?? "GET");
      } catch (e) {
        failed(g, e);
      }
    });
  };
}

export async function startGraphServer(ctx: SandboxContext, store: MailStore, rt: GraphRuntime, port: number) {
  const baseRef = { base: "" };
  const server = https.createServer({ key: ctx.tls.key, cert: ctx.tls.cert }, createGraphHandler(ctx, store, rt, baseRef));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const real = (server.address() as AddressInfo).port;
  baseRef.base = `https://${ctx.hostname}:${ctx.advertisedPorts?.graph ?? real}/v1.0`;
  return {
    url: baseRef.base,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
