// Admin API for building a directory: tenants, users, shared mailboxes and app registrations
// (an app's first secret value is returned once, as Azure shows it once).
import { servicePrincipalObjectId } from "../directory/exchange-rbac";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { AdminRoute } from "../contracts";
import type { Identity } from "../identity/identity";
import { newApp, newUser } from "../directory/seed";
import { proxyAddressesFor, smtpAddressesOf } from "../directory/addresses";

const ok = (body: unknown, status = 200) => ({ status, body });
const bad = (message: string) => ({ status: 400, body: { error: message } });
const conflict = (message: string) => ({ status: 409, body: { error: message } });
const missing = (what: string) => ({ status: 404, body: { error: `${what} not found` } });

function parse<T>(schema: z.ZodType<T>, body: unknown): { ok: true; data: T } | { ok: false; res: { status: number; body: unknown } } {
  const r = schema.safeParse(body ?? {});
  return r.success
    ? { ok: true, data: r.data }
    : { ok: false, res: bad(r.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")) };
}

const ZDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{4,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/, "a domain like acme.onmicrosoft.com");
const ZAddress = z.string().trim().toLowerCase().email();
const ZGuid = z.string().trim().toLowerCase().uuid();
// Azure accepts https redirect URIs, and http only for localhost
// (https://learn.microsoft.com/en-us/entra/identity-platform/reply-url).
const ZRedirect = z
  .string()
  .url()
  .refine((u) => {
    const url = new URL(u);
    return url.protocol === "https:" || (url.protocol === "http:" && ["localhost", "127.0.0.1"].includes(url.hostname));
  }, "must be https, or http://localhost");
const ZScope = z
  .string()
  .regex(/^https:\/\/[^\s/]+\/[\w.]+$/, "a resource-qualified permission like https://graph.microsoft.com/Mail.Read");

export function directoryRoutes(id: Identity): AdminRoute[] {
  const st = () => id.store.state;
  const save = () => id.store.save();
  const tenantOfAddress = (address: string) => id.store.tenant(address.split("@")[1] ?? "");
  // A UPN or SMTP address (primary or alias) is unique across the directory's users and mailboxes.
  const addressTaken = (a: string) =>
    st().users.some((u) => u.upn === a || smtpAddressesOf(u).includes(a)) || st().shared.some((m) => m.address === a);
  const safeUser = <T extends { password: string }>({ password: _p, ...u }: T) => u;
  const usersIn = (tenantId: string, upns: string[]) => {
    const found = upns.map((u) => id.store.user(u));
    const bad = upns.filter((_, i) => !found[i] || found[i]!.tenantId !== tenantId);
    return bad.length ? { ok: false as const, bad } : { ok: true as const, ids: found.map((u) => u!.id) };
  };

  return [
    {
      method: "POST",
      path: "/admin/tenants",
      handler: ({ body }) => {
        const p = parse(
          z
            .object({
              displayName: z.string().trim().min(1).max(256),
              domain: ZDomain,
              extraDomains: z.array(ZDomain).max(20).default([]),
              id: ZGuid.optional(),
              smtpAuthDisabled: z.boolean().default(false),
              usersMayConsent: z.boolean().default(true),
              securityDefaults: z.boolean().default(false),
              sendAsDeniedReply: z.enum(["5.2.252", "5.7.60"]).default("5.2.252"),
            })
            .strict(),
          body,
        );
        if (!p.ok) return p.res;
        const d = p.data;
        const domains = [...new Set([d.domain, ...d.extraDomains])];
        const tid = d.id ?? randomUUID();
        if (id.store.tenant(tid)) return conflict(`tenant ${tid} already exists`);
        const taken = domains.find((x) => id.store.tenant(x));
        if (taken) return conflict(`domain ${taken} is already verified in another tenant`);
        const t = {
          id: tid,
          displayName: d.displayName,
          domains,
          smtpAuthDisabled: d.smtpAuthDisabled,
          usersMayConsent: d.usersMayConsent,
          securityDefaults: d.securityDefaults,
          sendAsDeniedReply: d.sendAsDeniedReply,
        };
        st().tenants.push(t);
        save();
        return ok(t, 201);
      },
    },
    {
      method: "POST",
      path: "/admin/users",
      handler: ({ body }) => {
        const p = parse(
          z
            .object({
              upn: ZAddress,
              // The primary SMTP address when it differs from the UPN, and further aliases.
              mail: ZAddress.optional(),
              aliases: z.array(ZAddress).max(50).default([]),
              password: z.string().min(8).max(256),
              displayName: z.string().trim().min(1).max(256).optional(),
              isAdmin: z.boolean().optional(),
              isLicensed: z.boolean().optional(),
              mfaRequired: z.boolean().optional(),
              isDisabled: z.boolean().optional(),
              imapEnabled: z.boolean().optional(),
              popEnabled: z.boolean().optional(),
              smtpAuthDisabled: z.boolean().nullable().optional(),
              signInFrequencyDays: z.number().int().min(1).max(365).nullable().optional(),
            })
            .strict(),
          body,
        );
        if (!p.ok) return p.res;
        const t = tenantOfAddress(p.data.upn);
        if (!t) return bad(`upn: ${p.data.upn.split("@")[1]} isn't a verified domain of any tenant`);
        if (addressTaken(p.data.upn)) return conflict(`${p.data.upn} already exists`);
        const { upn, password, mail, aliases, ...flags } = p.data;
        const addresses = [...new Set([mail ?? upn, ...aliases])];
        const foreign = addresses.find((a) => !t.domains.includes(a.split("@")[1] ?? ""));
        if (foreign) return bad(`${foreign}: ${foreign.split("@")[1]} isn't a verified domain of ${t.displayName}`);
        const taken = addresses.find((a) => a !== upn && addressTaken(a));
        if (taken) return conflict(`${taken} already exists`);
        const u = newUser(t.id, upn, {
          ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)),
          mail: mail ?? upn,
          proxyAddresses: proxyAddressesFor(mail ?? upn, aliases),
          password,
          passwordChangedAt: id.now().toISOString(),
        });
        st().users.push(u);
        save();
        return ok(safeUser(u), 201);
      },
    },
    {
      method: "DELETE",
      path: "/admin/users/:upn",
      handler: ({ params }) => {
        const u = id.store.user(decodeURIComponent(params.upn));
        if (!u) return missing("user");
        st().users = st().users.filter((x) => x.id !== u.id);
        st().refreshTokens = st().refreshTokens.filter((r) => r.userId !== u.id);
        st().consents = st().consents.filter((c) => c.userId !== u.id);
        st().exchange.mailboxPermissions = st().exchange.mailboxPermissions.filter((m) => m.address !== u.mail);
        delete st().exchange.customAttributes[u.mail];
        for (const m of st().shared) {
          m.fullAccess = m.fullAccess.filter((x) => x !== u.id);
          m.sendAs = m.sendAs.filter((x) => x !== u.id);
        }
        save();
        return ok({ deleted: u.upn });
      },
    },
    {
      method: "POST",
      path: "/admin/shared-mailboxes",
      handler: ({ body }) => {
        const p = parse(
          z
            .object({
              address: ZAddress,
              displayName: z.string().trim().min(1).max(256).optional(),
              fullAccess: z.array(ZAddress).max(100).default([]),
              sendAs: z.array(ZAddress).max(100).default([]),
              overSizeLimit: z.boolean().default(false),
              onPremises: z.boolean().default(false),
            })
            .strict(),
          body,
        );
        if (!p.ok) return p.res;
        const t = tenantOfAddress(p.data.address);
        if (!t) return bad(`address: ${p.data.address.split("@")[1]} isn't a verified domain of any tenant`);
        if (addressTaken(p.data.address)) return conflict(`${p.data.address} already exists`);
        const fa = usersIn(t.id, p.data.fullAccess);
        const sa = usersIn(t.id, p.data.sendAs);
        if (!fa.ok || !sa.ok)
          return bad(`delegates must be users of ${t.displayName}: ${[...(fa.ok ? [] : fa.bad), ...(sa.ok ? [] : sa.bad)].join(", ")}`);
        const m = {
          id: randomUUID(),
          tenantId: t.id,
          address: p.data.address,
          displayName: p.data.displayName ?? p.data.address.split("@")[0],
          fullAccess: fa.ids,
          sendAs: sa.ids,
          overSizeLimit: p.data.overSizeLimit,
          onPremises: p.data.onPremises,
        };
        st().shared.push(m);
        save();
        return ok(m, 201);
      },
    },
    {
      // Set the delegates outright ({fullAccess:[upn...], sendAs:[upn...]}); the
      // "delegate lacks FullAccess / SendAs" switches. overSizeLimit: unlicensed past 50 GB;
      // onPremises: homed on-premises in a hybrid organization.
      method: "PATCH",
      path: "/admin/shared-mailboxes/:address",
      handler: ({ params, body }) => {
        const m = st().shared.find((x) => x.address === decodeURIComponent(params.address).toLowerCase());
        if (!m) return missing("shared mailbox");
        const p = parse(
          z
            .object({
              displayName: z.string().trim().min(1).max(256),
              fullAccess: z.array(ZAddress).max(100),
              sendAs: z.array(ZAddress).max(100),
              overSizeLimit: z.boolean(),
              onPremises: z.boolean(),
            })
            .partial()
            .strict(),
          body,
        );
        if (!p.ok) return p.res;
        const fa = p.data.fullAccess ? usersIn(m.tenantId, p.data.fullAccess) : null;
        const sa = p.data.sendAs ? usersIn(m.tenantId, p.data.sendAs) : null;
        if ((fa && !fa.ok) || (sa && !sa.ok))
          return bad(
            `delegates must be users of the mailbox's tenant: ${[...(fa && !fa.ok ? fa.bad : []), ...(sa && !sa.ok ? sa.bad : [])].join(", ")}`,
          );
        if (p.data.displayName) m.displayName = p.data.displayName;
        if (fa?.ok) m.fullAccess = fa.ids;
        if (sa?.ok) m.sendAs = sa.ids;
        if (p.data.overSizeLimit !== undefined) m.overSizeLimit = p.data.overSizeLimit;
        if (p.data.onPremises !== undefined) m.onPremises = p.data.onPremises;
        save();
        return ok(m);
      },
    },
    {
      method: "POST",
      path: "/admin/apps",
      handler: ({ body }) => {
        const p = parse(
          z
            .object({
              displayName: z.string().trim().min(1).max(120),
              homeTenant: z.string().trim().min(1),
              clientId: ZGuid.optional(),
              isMultiTenant: z.boolean().default(false),
              redirectUris: z.array(ZRedirect).max(256).optional(),
              delegated: z.array(ZScope).max(100).optional(),
              application: z.array(ZScope).max(100).optional(),
              secretExpiresInDays: z.number().int().min(1).max(730).default(180),
            })
            .strict(),
          body,
        );
        if (!p.ok) return p.res;
        const d = p.data;
        const t = id.store.tenant(d.homeTenant);
        if (!t) return bad(`homeTenant: no tenant ${d.homeTenant}`);
        const clientId = d.clientId ?? randomUUID();
        if (id.store.app(clientId)) return conflict(`app ${clientId} already exists`);
        const value = `Sbx8Q~${randomUUID().replace(/-/g, "")}${randomUUID().slice(0, 6)}`;
        const app = newApp({
          clientId,
          displayName: d.displayName,
          homeTenantId: t.id,
          isMultiTenant: d.isMultiTenant,
          secret: value,
          expiresAt: new Date(id.now().getTime() + d.secretExpiresInDays * 86_400_000),
          redirectUris: d.redirectUris,
        });
        if (d.delegated) app.delegated = d.delegated;
        if (d.application) app.application = d.application;
        st().apps.push(app);
        st().servicePrincipals.push({ tenantId: t.id, clientId, objectId: servicePrincipalObjectId(t.id, clientId) });
        save();
        const { secrets, ...rest } = app;
        return ok({ ...rest, secret: { id: secrets[0].id, value, hint: secrets[0].hint, expiresAt: secrets[0].expiresAt } }, 201);
      },
    },
    {
      method: "PATCH",
      path: "/admin/apps/:clientId",
      handler: ({ params, body }) => {
        const app = id.store.app(params.clientId);
        if (!app) return missing("app");
        const p = parse(
          z
            .object({
              displayName: z.string().trim().min(1).max(120),
              isMultiTenant: z.boolean(),
              redirectUris: z.array(ZRedirect).max(256),
              delegated: z.array(ZScope).max(100),
              application: z.array(ZScope).max(100),
            })
            .partial()
            .strict(),
          body,
        );
        if (!p.ok) return p.res;
        Object.assign(app, p.data);
        save();
        const { secrets, ...rest } = app;
        return ok({ ...rest, secrets: secrets.map(({ value: _v, ...s }) => s) });
      },
    },
  ];
}
