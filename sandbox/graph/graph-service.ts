// The Microsoft Graph mail service of the sandbox, sharing the mail store with IMAP/POP/SMTP.
import { z } from "zod";
import type { AdminRoute, SandboxContext, SandboxService } from "../contracts";
import { acquireMailStore, releaseMailStore } from "../mail/store/mail-store";
import { startGraphServer, type GraphRuntime } from "./graph-server";
import { SubscriptionManager } from "./graph-subscriptions";
import { GraphThrottle } from "./graph-throttle";

// Runtime state per sandbox data dir, so admin routes reach the running service.
const runtimes = new Map<string, GraphRuntime>();

const ZThrottle = z.object({
  concurrency: z.number().int().min(1).max(1000).optional(),
  requestsPerWindow: z.number().int().min(1).optional(),
  windowSeconds: z.number().int().min(1).max(86_400).optional(),
  retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
  latencyMs: z.number().int().min(0).max(30_000).optional(),
});
const ZLifecycle = z.object({ event: z.enum(["reauthorizationRequired", "missed", "subscriptionRemoved"]) });

function graphAdminRoutes(ctx: SandboxContext): AdminRoute[] {
  const rt = () => runtimes.get(ctx.dataDir);
  const down = { status: 503, body: { error: "Graph service is not running" } };
  return [
    {
      // Throttling knobs: {concurrency, requestsPerWindow, windowSeconds, retryAfterSeconds, latencyMs}.
      method: "PUT",
      path: "/admin/graph/throttling",
      handler: (req) => {
        const r = rt();
        if (!r) return down;
        const p = ZThrottle.safeParse(req.body ?? {});
        if (!p.success) return { status: 400, body: { error: z.prettifyError(p.error) } };
        Object.assign(r.throttle.settings, p.data);
        r.throttle.reset();
        return { status: 200, body: r.throttle.settings };
      },
    },
    { method: "GET", path: "/admin/graph/throttling", handler: () => (rt() ? { status: 200, body: rt()!.throttle.settings } : down) },
    // Requests counted against each (app, mailbox) budget in its current window (reset by the PUT above).
    {
      method: "GET",
      path: "/admin/graph/throttling/usage",
      handler: () => (rt() ? { status: 200, body: { usage: rt()!.throttle.usage() } } : down),
    },
    {
      method: "GET",
      path: "/admin/graph/subscriptions",
      handler: () => (rt() ? { status: 200, body: { subscriptions: [...rt()!.subs.subs.values()] } } : down),
    },
    {
      // Sends a lifecycle notification (reauthorizationRequired | missed | subscriptionRemoved).
      method: "POST",
      path: "/admin/graph/subscriptions/:id/lifecycle",
      handler: async (req) => {
        const r = rt();
        if (!r) return down;
        const p = ZLifecycle.safeParse(req.body ?? {});
        if (!p.success) return { status: 400, body: { error: z.prettifyError(p.error) } };
        const sub = r.subs.subs.get(req.params.id);
        if (!sub) return { status: 404, body: { error: "No such subscription" } };
        return { status: 200, body: await r.subs.lifecycle(sub, p.data.event) };
      },
    },
  ];
}

export const graphService: SandboxService = {
  name: "graph-mail",
  async start(ctx) {
    const store = acquireMailStore(ctx);
    const rt: GraphRuntime = { throttle: new GraphThrottle(), subs: new SubscriptionManager(ctx, store) };
    runtimes.set(ctx.dataDir, rt);
    const server = await startGraphServer(ctx, store, rt, ctx.ports.graph);
    ctx.log("graph started", { url: server.url });
    return {
      urls: { graph: server.url },
      async stop() {
        await server.stop();
        rt.subs.stop();
        runtimes.delete(ctx.dataDir);
        releaseMailStore(store);
      },
    };
  },
  adminRoutes: graphAdminRoutes,
};
