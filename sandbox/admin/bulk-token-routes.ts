// Admin route for load tests: many refresh tokens for one user's grant in one call (a benchmark's
// thousands of grants, each with a refresh token of its own that the token endpoint accepts).
// Loopback only, like the rest of the admin API; GET /admin/stats counts the redemptions, and
// GET /admin/process says how much CPU the sandbox itself used.
import { z } from "zod";
import type { AdminRoute } from "../contracts";
import type { Identity } from "../identity/identity";
import { splitScopes } from "../identity/scopes";

export function bulkTokenRoutes(id: Identity): AdminRoute[] {
  return [
    {
      method: "POST",
      path: "/admin/tokens/refresh-bulk",
      handler: ({ body }) => {
        const r = z
          .object({ upn: z.string(), clientId: z.string(), scopes: z.array(z.string()).min(1), count: z.number().int().min(1).max(20_000) })
          .safeParse(body ?? {});
        if (!r.success)
          return { status: 400, body: { error: r.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") } };
        const u = id.store.user(r.data.upn);
        const app = id.store.app(r.data.clientId);
        if (!u || !app) return { status: 404, body: { error: `${!u ? "user" : "app"} not found` } };
        const { resource } = splitScopes(r.data.scopes.join(" "), app.delegated);
        id.recordConsent({ tenantId: u.tenantId, clientId: app.clientId, userId: u.id, scopes: resource, kind: "user" });
        const grant = { userId: u.id, tenantId: u.tenantId, clientId: app.clientId, scopes: resource, isMfa: u.mfaRequired };
        const authTime = id.now().toISOString();
        const refreshTokens = Array.from({ length: r.data.count }, () => id.mintRefreshToken({ ...grant, authTime }));
        return { status: 201, body: { refresh_tokens: refreshTokens } };
      },
    },
    // The sandbox process's own CPU time so far (a load test tells its share from the client's).
    {
      method: "GET",
      path: "/admin/process",
      handler: () => ({ status: 200, body: { cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000) } }),
    },
  ];
}
