// Admin API for Exchange Online's side of app-only access, one route per cmdlet an admin runs in
// Exchange Online PowerShell: New-/Remove-ServicePrincipal, Add-/Remove-MailboxPermission for a
// service principal, Set-Mailbox -CustomAttributeN, New-/Remove-ManagementScope,
// New-/Remove-ManagementRoleAssignment -App, and Test-ServicePrincipalAuthorization.
import { z } from "zod";
import type { AdminRoute } from "../contracts";
import type { Identity } from "../identity/identity";
import { CUSTOM_ATTRIBUTES, EXO_APP_ROLES, parseRecipientFilter, scopeIncludes } from "../directory/exchange-rbac";
import type { TSbExoServicePrincipal } from "../directory/model";

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

const ZGuid = z.string().trim().toLowerCase().uuid();
const ZAddress = z.string().trim().toLowerCase().email();
const ZName = z.string().trim().min(1).max(64);

export function exchangeRoutes(id: Identity): AdminRoute[] {
  const st = () => id.store.state;
  const exo = () => id.store.state.exchange;
  const save = () => id.store.save();
  const tenantOf = (seg: string) => id.store.tenant(decodeURIComponent(seg));
  /** A recipient (user or shared mailbox) of the tenant. */
  const recipient = (tenantId: string, address: string) => {
    // By any SMTP address (an alias too), answered as the mailbox's primary address.
    const o = id.store.addressOwner(address);
    if (!o) return undefined;
    if (o.kind === "user") return o.user.tenantId === tenantId ? o.user.mail : undefined;
    return o.shared.tenantId === tenantId ? o.shared.address : undefined;
  };
  /** Exchange resolves -App / -User by object id, app id or display name. */
  const findSp = (tenantId: string, ref: string): TSbExoServicePrincipal | undefined => {
    const r = ref.trim().toLowerCase();
    return exo().servicePrincipals.find(
      (s) => s.tenantId === tenantId && (s.objectId === r || s.appId === r || s.displayName.toLowerCase() === r),
    );
  };
  const view = (tenantId: string) => ({
    // Entra's enterprise applications in the tenant (what the portal's Enterprise applications blade shows).
    enterpriseApps: st()
      .servicePrincipals.filter((s) => s.tenantId === tenantId)
      .map((s) => ({
        appId: s.clientId,
        objectId: id.store.spObjectId(s.clientId, tenantId),
        displayName: id.store.app(s.clientId)?.displayName,
      })),
    servicePrincipals: exo().servicePrincipals.filter((s) => s.tenantId === tenantId),
    mailboxPermissions: exo().mailboxPermissions.filter((s) => s.tenantId === tenantId),
    managementScopes: exo().managementScopes.filter((s) => s.tenantId === tenantId),
    roleAssignments: exo().roleAssignments.filter((s) => s.tenantId === tenantId),
    customAttributes: Object.fromEntries(Object.entries(exo().customAttributes).filter(([a]) => recipient(tenantId, a))),
    roles: Object.keys(EXO_APP_ROLES),
  });

  const setMailbox = (tenant: string, mailbox: string, body: unknown) => {
    const t = tenantOf(tenant);
    if (!t) return missing("tenant");
    const address = recipient(t.id, mailbox);
    if (!address) return missing("mailbox");
    const shape = Object.fromEntries(CUSTOM_ATTRIBUTES.map((k) => [k, z.string().max(1024).nullable().optional()]));
    const p = parse(z.object(shape).strict(), body);
    if (!p.ok) return p.res;
    const attrs = { ...(exo().customAttributes[address] ?? {}) };
    for (const [k, v] of Object.entries(p.data as Record<string, string | null | undefined>)) {
      if (v === undefined) continue;
      if (v === null || v === "") delete attrs[k];
      else attrs[k] = v;
    }
    exo().customAttributes[address] = attrs;
    save();
    return ok({ identity: address, ...attrs });
  };

  return [
    {
      method: "GET",
      path: "/admin/exchange/:tenant",
      handler: ({ params }) => {
        const t = tenantOf(params.tenant);
        return t ? ok(view(t.id)) : missing("tenant");
      },
    },
    {
      // New-ServicePrincipal -AppId <appId> -ObjectId <enterprise app object id> [-DisplayName]
      method: "POST",
      path: "/admin/exchange/:tenant/service-principals",
      handler: ({ params, body }) => {
        const t = tenantOf(params.tenant);
        if (!t) return missing("tenant");
        const p = parse(
          z.object({ appId: ZGuid, objectId: ZGuid, displayName: z.string().trim().min(1).max(256).optional() }).strict(),
          body,
        );
        if (!p.ok) return p.res;
        const d = p.data;
        if (exo().servicePrincipals.some((s) => s.tenantId === t.id && (s.appId === d.appId || s.objectId === d.objectId)))
          return conflict(`a service principal with AppId ${d.appId} or ObjectId ${d.objectId} already exists`);
        // Like Exchange, the object id is taken as given: registering the app registration's object
        // id instead of the enterprise application's is accepted here and fails at sign-in.
        const sp = {
          tenantId: t.id,
          appId: d.appId,
          objectId: d.objectId,
          displayName: d.displayName ?? id.store.app(d.appId)?.displayName ?? d.appId,
        };
        exo().servicePrincipals.push(sp);
        save();
        return ok(sp, 201);
      },
    },
    {
      // Remove-ServicePrincipal -Identity <objectId|appId|name>; its permissions and assignments go too.
      method: "DELETE",
      path: "/admin/exchange/:tenant/service-principals/:sp",
      handler: ({ params }) => {
        const t = tenantOf(params.tenant);
        if (!t) return missing("tenant");
        const sp = findSp(t.id, params.sp);
        if (!sp) return missing("service principal");
        const x = exo();
        x.servicePrincipals = x.servicePrincipals.filter((s) => s !== sp);
        x.mailboxPermissions = x.mailboxPermissions.filter((m) => !(m.tenantId === t.id && m.principalObjectId === sp.objectId));
        x.roleAssignments = x.roleAssignments.filter((r) => !(r.tenantId === t.id && r.appObjectId === sp.objectId));
        save();
        return ok({ deleted: sp });
      },
    },
    {
      // Add-MailboxPermission -Identity <mailbox> -User <service principal> -AccessRights FullAccess
      method: "POST",
      path: "/admin/exchange/:tenant/mailbox-permissions",
      handler: ({ params, body }) => {
        const t = tenantOf(params.tenant);
        if (!t) return missing("tenant");
        const p = parse(
          z
            .object({ identity: ZAddress, user: z.string().trim().min(1), accessRights: z.literal("FullAccess").default("FullAccess") })
            .strict(),
          body,
        );
        if (!p.ok) return p.res;
        const address = recipient(t.id, p.data.identity);
        if (!address) return bad(`identity: ${p.data.identity} isn't a mailbox of ${t.displayName}`);
        const sp = findSp(t.id, p.data.user);
        if (!sp) return bad(`user: no service principal ${p.data.user} in Exchange (run New-ServicePrincipal first)`);
        const x = exo();
        if (!x.mailboxPermissions.some((m) => m.tenantId === t.id && m.address === address && m.principalObjectId === sp.objectId))
          x.mailboxPermissions.push({ tenantId: t.id, address, principalObjectId: sp.objectId, accessRights: "FullAccess" });
        save();
        return ok({ identity: address, user: sp.objectId, accessRights: ["FullAccess"] }, 201);
      },
    },
    {
      // Remove-MailboxPermission -Identity <mailbox> -User <service principal> -AccessRights FullAccess
      method: "DELETE",
      path: "/admin/exchange/:tenant/mailbox-permissions/:identity/:user",
      handler: ({ params }) => {
        const t = tenantOf(params.tenant);
        if (!t) return missing("tenant");
        const identity = params.identity.toLowerCase();
        const sp = findSp(t.id, params.user);
        const x = exo();
        const before = x.mailboxPermissions.length;
        x.mailboxPermissions = x.mailboxPermissions.filter(
          (m) => !(sp && m.tenantId === t.id && m.address === identity && m.principalObjectId === sp.objectId),
        );
        if (x.mailboxPermissions.length === before) return missing("mailbox permission");
        save();
        return ok({ removed: { identity, user: sp!.objectId } });
      },
    },
    {
      // Set-Mailbox -Identity <mailbox> -CustomAttribute1 <value> (null or "" clears it)
      method: "PATCH",
      path: "/admin/exchange/:tenant/recipients/:address",
      handler: ({ params, body }) => setMailbox(params.tenant, params.address, body),
    },
    {
      // The same with the mailbox in the body ({"identity": "...", "CustomAttribute1": "..."}), for forms.
      method: "POST",
      path: "/admin/exchange/:tenant/recipients",
      handler: ({ params, body }) => {
        const { identity, ...rest } = (body ?? {}) as { identity?: unknown };
        return typeof identity === "string" ? setMailbox(params.tenant, identity, rest) : bad("identity: required");
      },
    },
    {
      // New-ManagementScope -Name <name> -RecipientRestrictionFilter "CustomAttribute1 -eq 'x'";
      // {"addresses":[...]} builds a PrimarySmtpAddress -eq '…' -or … filter.
      method: "POST",
      path: "/admin/exchange/:tenant/management-scopes",
      handler: ({ params, body }) => {
        const t = tenantOf(params.tenant);
        if (!t) return missing("tenant");
        const p = parse(
          z
            .object({
              name: ZName,
              recipientRestrictionFilter: z.string().trim().min(1).max(2000).optional(),
              addresses: z.array(ZAddress).min(1).max(100).optional(),
            })
            .strict()
            .refine((d) => !!d.recipientRestrictionFilter !== !!d.addresses, "give either recipientRestrictionFilter or addresses"),
          body,
        );
        if (!p.ok) return p.res;
        const filter = p.data.recipientRestrictionFilter ?? p.data.addresses!.map((a) => `PrimarySmtpAddress -eq '${a}'`).join(" -or ");
        const f = parseRecipientFilter(filter);
        if (!f.ok) return bad(`recipientRestrictionFilter: ${f.error}`);
        if (exo().managementScopes.some((s) => s.tenantId === t.id && s.name.toLowerCase() === p.data.name.toLowerCase()))
          return conflict(`management scope ${p.data.name} already exists`);
        const scope = { tenantId: t.id, name: p.data.name, recipientRestrictionFilter: filter };
        exo().managementScopes.push(scope);
        save();
        return ok(scope, 201);
      },
    },
    {
      // Remove-ManagementScope: refused while a role assignment uses it.
      method: "DELETE",
      path: "/admin/exchange/:tenant/management-scopes/:name",
      handler: ({ params }) => {
        const t = tenantOf(params.tenant);
        if (!t) return missing("tenant");
        const x = exo();
        const scope = x.managementScopes.find((s) => s.tenantId === t.id && s.name.toLowerCase() === params.name.toLowerCase());
        if (!scope) return missing("management scope");
        const users = x.roleAssignments.filter(
          (r) => r.tenantId === t.id && r.customResourceScope?.toLowerCase() === scope.name.toLowerCase(),
        );
        if (users.length)
          return conflict(`management scope ${scope.name} is used by role assignments: ${users.map((r) => r.name).join(", ")}`);
        x.managementScopes = x.managementScopes.filter((s) => s !== scope);
        save();
        return ok({ deleted: scope });
      },
    },
    {
      // New-ManagementRoleAssignment -App <service principal> -Role "Application Mail.Read" [-CustomResourceScope <scope>]
      method: "POST",
      path: "/admin/exchange/:tenant/role-assignments",
      handler: ({ params, body }) => {
        const t = tenantOf(params.tenant);
        if (!t) return missing("tenant");
        const p = parse(
          z
            .object({
              app: z.string().trim().min(1),
              role: z.string().trim().min(1),
              customResourceScope: ZName.nullable().optional(),
              name: ZName.optional(),
            })
            .strict(),
          body,
        );
        if (!p.ok) return p.res;
        const d = p.data;
        const role = Object.keys(EXO_APP_ROLES).find((r) => r.toLowerCase() === d.role.toLowerCase());
        if (!role) return bad(`role: ${d.role} isn't an application role (${Object.keys(EXO_APP_ROLES).join(", ")})`);
        const sp = findSp(t.id, d.app);
        if (!sp) return bad(`app: no service principal ${d.app} in Exchange (run New-ServicePrincipal first)`);
        const x = exo();
        const scope = d.customResourceScope
          ? x.managementScopes.find((s) => s.tenantId === t.id && s.name.toLowerCase() === d.customResourceScope!.toLowerCase())
          : null;
        if (d.customResourceScope && !scope) return bad(`customResourceScope: no management scope ${d.customResourceScope}`);
        const name = d.name ?? `${role}-${sp.displayName}${scope ? `-${scope.name}` : ""}`.slice(0, 64);
        if (x.roleAssignments.some((r) => r.tenantId === t.id && r.name.toLowerCase() === name.toLowerCase()))
          return conflict(`role assignment ${name} already exists`);
        const a = { tenantId: t.id, name, appObjectId: sp.objectId, role, customResourceScope: scope ? scope.name : null };
        x.roleAssignments.push(a);
        save();
        return ok(a, 201);
      },
    },
    {
      method: "DELETE",
      path: "/admin/exchange/:tenant/role-assignments/:name",
      handler: ({ params }) => {
        const t = tenantOf(params.tenant);
        if (!t) return missing("tenant");
        const x = exo();
        const a = x.roleAssignments.find((r) => r.tenantId === t.id && r.name.toLowerCase() === params.name.toLowerCase());
        if (!a) return missing("role assignment");
        x.roleAssignments = x.roleAssignments.filter((r) => r !== a);
        save();
        return ok({ deleted: a });
      },
    },
    {
      // Test-ServicePrincipalAuthorization -Identity <sp> -Resource <mailbox>: one row per role assignment.
      method: "POST",
      path: "/admin/exchange/:tenant/test-authorization",
      handler: ({ params, body }) => {
        const t = tenantOf(params.tenant);
        if (!t) return missing("tenant");
        const p = parse(z.object({ identity: z.string().trim().min(1), resource: ZAddress }).strict(), body);
        if (!p.ok) return p.res;
        const sp = findSp(t.id, p.data.identity);
        if (!sp) return missing("service principal");
        const x = exo();
        const rows = x.roleAssignments
          .filter((r) => r.tenantId === t.id && r.appObjectId === sp.objectId)
          .map((r) => {
            const scope = r.customResourceScope
              ? x.managementScopes.find((s) => s.tenantId === t.id && s.name === r.customResourceScope)
              : undefined;
            return {
              RoleName: r.role,
              GrantedPermissions: EXO_APP_ROLES[r.role] ?? [],
              AllowedResourceScope: scope ? scope.name : "Organization",
              ScopeType: scope ? "CustomRecipientScope" : "Organization",
              InScope: scope ? scopeIncludes(x, scope, p.data.resource) : true,
            };
          });
        const fullAccess = x.mailboxPermissions.some(
          (m) => m.tenantId === t.id && m.address === p.data.resource && m.principalObjectId === sp.objectId,
        );
        return ok({ roles: rows, mailboxPermission: fullAccess ? ["FullAccess"] : [] });
      },
    },
  ];
}
