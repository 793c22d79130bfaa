// The sandbox admin API: state, failure switches, clock, token minting. Loopback only.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { AdminRoute } from "../contracts";
import type { Identity } from "../identity/identity";
import { splitScopes } from "../identity/scopes";
import { seedState } from "../directory/seed";
import { proxyAddressesFor, smtpAddressesOf } from "../directory/addresses";

const ok = (body: unknown, status = 200) => ({ status, body });
const bad = (message: string) => ({ status: 400, body: { error: message } });
const missing = (what: string) => ({ status: 404, body: { error: `${what} not found` } });

function parse<T>(schema: z.ZodType<T>, body: unknown): { ok: true; data: T } | { ok: false; res: { status: number; body: unknown } } {
  const r = schema.safeParse(body ?? {});
  return r.success
    ? { ok: true, data: r.data }
    : { ok: false, res: bad(r.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")) };
}

export function adminRoutes(id: Identity, onReseed: () => Promise<void>): AdminRoute[] {
  const st = () => id.store.state;
  const save = () => id.store.save();
  const user = (upn: string) => id.store.user(decodeURIComponent(upn));
  return [
    {
      method: "GET",
      path: "/admin/state",
      handler: () =>
        ok({
          now: id.now().toISOString(),
          ...st(),
          refreshTokens: st().refreshTokens.length,
          apps: st().apps.map((a) => ({ ...a, secrets: a.secrets.map(({ value: _v, ...s }) => s) })),
          users: st().users.map(({ password: _p, ...u }) => u),
        }),
    },
    { method: "GET", path: "/admin/stats", handler: () => ok({ tokenRequests: id.stats }) },
    {
      method: "POST",
      path: "/admin/tokens",
      handler: async ({ body }) => {
        const p = parse(
          z.object({ tenant: z.string().optional(), upn: z.string(), clientId: z.string(), scopes: z.array(z.string()).min(1) }),
          body,
        );
        if (!p.ok) return p.res;
        const u = id.store.user(p.data.upn);
        const app = id.store.app(p.data.clientId);
        if (!u || !app) return missing(!u ? "user" : "app");
        const { oidc, resource } = splitScopes(p.data.scopes.join(" "), app.delegated);
        id.recordConsent({ tenantId: u.tenantId, clientId: app.clientId, userId: u.id, scopes: resource, kind: "user" });
        return ok(
          await id.userTokens({
            user: u,
            app,
            tenantId: u.tenantId,
            scopes: resource,
            oidc: [...new Set([...oidc, "offline_access", "openid"])],
            authTime: id.now().toISOString(),
            isMfa: u.mfaRequired,
            clientInfo: false,
          }),
        );
      },
    },
    {
      method: "POST",
      path: "/admin/introspect",
      handler: async ({ body, rawBody }) => {
        const token = (body as { token?: string })?.token ?? new URLSearchParams(rawBody.toString()).get("token") ?? "";
        try {
          const { payload } = await import("../identity/signing").then((m) => m.verifyToken(id.signer, token, id.now()));
          return ok({
            active: true,
            sub: payload.oid,
            upn: payload.upn,
            oid: payload.oid,
            tid: payload.tid,
            aud: payload.aud,
            scp: payload.scp,
            roles: payload.roles,
            exp: payload.exp,
            client_id: payload.appid,
          });
        } catch {
          return ok({ active: false });
        }
      },
    },
    {
      method: "POST",
      path: "/admin/clock",
      handler: ({ body }) => {
        const p = parse(z.object({ advanceDays: z.number().min(0).max(3650).optional(), reset: z.boolean().optional() }), body);
        if (!p.ok) return p.res;
        st().clockOffsetMs = p.data.reset ? 0 : st().clockOffsetMs + (p.data.advanceDays ?? 0) * 86_400_000;
        save();
        return ok({ now: id.now().toISOString(), offsetDays: st().clockOffsetMs / 86_400_000 });
      },
    },
    {
      method: "POST",
      path: "/admin/faults/token-endpoint",
      handler: ({ body }) => {
        const p = parse(
          z.object({
            mode: z.enum(["500", "503", "timeout"]),
            count: z.number().int().min(0).max(1000),
            seconds: z.number().min(0).max(600).default(30),
          }),
          body,
        );
        if (!p.ok) return p.res;
        st().faults.tokenEndpoint = p.data.count ? { mode: p.data.mode, remaining: p.data.count, seconds: p.data.seconds } : null;
        save();
        return ok(st().faults);
      },
    },
    {
      method: "PATCH",
      path: "/admin/users/:upn",
      handler: ({ params, body }) => {
        const u = user(params.upn);
        if (!u) return missing("user");
        const p = parse(
          z
            .object({
              isLicensed: z.boolean(),
              mfaRequired: z.boolean(),
              isDisabled: z.boolean(),
              caBlocked: z.boolean(),
              isAdmin: z.boolean(),
              imapEnabled: z.boolean(),
              popEnabled: z.boolean(),
              smtpAuthDisabled: z.boolean().nullable(),
              signInFrequencyDays: z.number().int().min(1).max(365).nullable(),
              displayName: z.string().min(1),
              // A rename of the sign-in name: the object id, mailbox, consents and refresh tokens stay.
              upn: z.string().trim().toLowerCase().email(),
              // Replaces the aliases (smtp: proxy addresses); the primary address stays.
              aliases: z.array(z.string().trim().toLowerCase().email()).max(50),
            })
            .partial()
            .strict(),
          body,
        );
        if (!p.ok) return p.res;
        const { upn: newUpn, aliases, ...flags } = p.data;
        const tenant = st().tenants.find((t) => t.id === u.tenantId)!;
        const foreign = [...(newUpn ? [newUpn] : []), ...(aliases ?? [])].find((a) => !tenant.domains.includes(a.split("@")[1] ?? ""));
        if (foreign) return bad(`${foreign}: ${foreign.split("@")[1]} isn't a verified domain of ${tenant.displayName}`);
        const takenByOther = (a: string) =>
          st().users.some((x) => x.id !== u.id && (x.upn === a || smtpAddressesOf(x).includes(a))) ||
          st().shared.some((m) => m.address === a);
        const taken = [...(newUpn ? [newUpn] : []), ...(aliases ?? [])].find(takenByOther);
        if (taken) return { status: 409, body: { error: `${taken} already exists` } };
        if (newUpn) u.upn = newUpn;
        if (aliases) u.proxyAddresses = proxyAddressesFor(u.mail, aliases);
        Object.assign(u, flags);
        save();
        const { password: _p, ...safe } = u;
        return ok(safe);
      },
    },
    {
      method: "POST",
      path: "/admin/users/:upn/reset-password",
      handler: ({ params, body }) => {
        const u = user(params.upn);
        if (!u) return missing("user");
        const p = parse(z.object({ password: z.string().min(8), selfService: z.boolean().default(false) }), body);
        if (!p.ok) return p.res;
        u.password = p.data.password;
        u.passwordChangedAt = id.now().toISOString();
        // An admin reset revokes a confidential client's refresh tokens; a user's own change (or
        // SSPR) does not (https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens).
        if (!p.data.selfService) u.tokensValidFrom = id.now().toISOString();
        save();
        return ok({ upn: u.upn, revokedRefreshTokens: !p.data.selfService });
      },
    },
    {
      method: "POST",
      path: "/admin/users/:upn/revoke-sessions",
      handler: ({ params }) => {
        const u = user(params.upn);
        if (!u) return missing("user");
        u.tokensValidFrom = id.now().toISOString();
        save();
        return ok({ upn: u.upn, tokensValidFrom: u.tokensValidFrom });
      },
    },
    {
      method: "PATCH",
      path: "/admin/tenants/:tenant",
      handler: ({ params, body }) => {
        const t = id.store.tenant(params.tenant);
        if (!t) return missing("tenant");
        const p = parse(
          z
            .object({
              smtpAuthDisabled: z.boolean(),
              usersMayConsent: z.boolean(),
              securityDefaults: z.boolean(),
              sendAsDeniedReply: z.enum(["5.2.252", "5.7.60"]),
              exchangeOnline: z.boolean(),
              displayName: z.string().min(1),
            })
            .partial()
            .strict(),
          body,
        );
        if (!p.ok) return p.res;
        Object.assign(t, p.data);
        save();
        return ok(t);
      },
    },
    {
      method: "POST",
      path: "/admin/apps/:clientId/secrets",
      handler: ({ params, body }) => {
        const app = id.store.app(params.clientId);
        if (!app) return missing("app");
        const p = parse(
          z.object({ value: z.string().min(16).optional(), expiresInDays: z.number().int().min(1).max(730).default(180) }),
          body,
        );
        if (!p.ok) return p.res;
        const value = p.data.value ?? `Sbx8Q~${randomUUID().replace(/-/g, "")}${randomUUID().slice(0, 6)}`;
        const secret = {
          id: randomUUID(),
          value,
          hint: value.slice(0, 3),
          expiresAt: new Date(id.now().getTime() + p.data.expiresInDays * 86_400_000).toISOString(),
        };
        app.secrets.push(secret);
        save();
        return ok({ id: secret.id, value, hint: secret.hint, expiresAt: secret.expiresAt }, 201);
      },
    },
    {
      method: "POST",
      path: "/admin/apps/:clientId/secrets/:secretId/expire",
      handler: ({ params }) => {
        const s = id.store.app(params.clientId)?.secrets.find((x) => x.id === params.secretId || x.value.startsWith(params.secretId));
        if (!s) return missing("secret");
        s.expiresAt = new Date(id.now().getTime() - 60_000).toISOString();
        save();
        return ok({ id: s.id, expiresAt: s.expiresAt });
      },
    },
    {
      method: "DELETE",
      path: "/admin/apps/:clientId/secrets/:secretId",
      handler: ({ params }) => {
        const app = id.store.app(params.clientId);
        if (!app) return missing("app");
        const before = app.secrets.length;
        app.secrets = app.secrets.filter((x) => x.id !== params.secretId);
        save();
        return before === app.secrets.length ? missing("secret") : ok({ deleted: params.secretId });
      },
    },
    {
      method: "POST",
      path: "/admin/tenants/:tenant/consents",
      handler: ({ params, body }) => {
        const t = id.store.tenant(params.tenant);
        const p = parse(
          z.object({
            clientId: z.string(),
            scopes: z.array(z.string()).default([]),
            roles: z.array(z.string()).default([]),
            upn: z.string().optional(),
          }),
          body,
        );
        if (!p.ok) return p.res;
        const app = id.store.app(p.data.clientId);
        if (!t || !app) return missing(!t ? "tenant" : "app");
        const u = p.data.upn ? id.store.user(p.data.upn) : undefined;
        id.recordConsent({
          tenantId: t.id,
          clientId: app.clientId,
          userId: u?.id ?? null,
          scopes: splitScopes(p.data.scopes.join(" "), app.delegated).resource,
          roles: p.data.roles,
          kind: u ? "user" : "admin",
        });
        return ok({ consents: st().consents.filter((c) => c.tenantId === t.id && c.clientId === app.clientId) }, 201);
      },
    },
    {
      method: "DELETE",
      path: "/admin/tenants/:tenant/consents/:clientId",
      handler: ({ params }) => {
        const t = id.store.tenant(params.tenant);
        if (!t) return missing("tenant");
        st().consents = st().consents.filter((c) => !(c.tenantId === t.id && c.clientId === params.clientId.toLowerCase()));
        save();
        return ok({ removed: true });
      },
    },
    {
      method: "DELETE",
      path: "/admin/tenants/:tenant/apps/:clientId",
      handler: ({ params }) => {
        const t = id.store.tenant(params.tenant);
        if (!t) return missing("tenant");
        st().servicePrincipals = st().servicePrincipals.filter(
          (s) => !(s.tenantId === t.id && s.clientId === params.clientId.toLowerCase()),
        );
        st().consents = st().consents.filter((c) => !(c.tenantId === t.id && c.clientId === params.clientId.toLowerCase()));
        save();
        return ok({ removed: true });
      },
    },
    {
      method: "POST",
      path: "/admin/token-lifetime",
      handler: ({ body }) => {
        const p = parse(z.object({ seconds: z.number().int().min(60).max(86_400).nullable() }), body);
        if (!p.ok) return p.res;
        st().tokenLifetimeSeconds = p.data.seconds;
        save();
        return ok({ tokenLifetimeSeconds: p.data.seconds });
      },
    },
    {
      method: "POST",
      path: "/admin/seed",
      handler: async () => {
        id.store.state = seedState();
        id.store.flush();
        await onReseed();
        return ok({ seeded: true });
      },
    },
  ];
}
