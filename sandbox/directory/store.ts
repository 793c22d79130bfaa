// Loads and saves the sandbox state as one JSON file, written atomically (temp + rename) and
// debounced, so a crash never leaves half a file.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { MailboxOwner, SandboxDirectoryView } from "../contracts";
import { exoAppGrant, servicePrincipalObjectId } from "./exchange-rbac";
import { emptyExchange, emptyState, type TSbState } from "./model";
import { smtpAddressesOf } from "./addresses";

export class Store {
  state: TSbState;
  private timer: NodeJS.Timeout | null = null;
  constructor(private file: string) {
    this.state = existsSync(file) ? { ...emptyState(), ...(JSON.parse(readFileSync(file, "utf8")) as TSbState) } : emptyState();
    this.state.exchange = { ...emptyExchange(), ...this.state.exchange };
    for (const sp of this.state.servicePrincipals) sp.objectId ??= servicePrincipalObjectId(sp.tenantId, sp.clientId);
    // State written before users had addresses of their own: the mailbox address was the UPN.
    for (const u of this.state.users) {
      u.mail ??= u.upn;
      u.proxyAddresses ??= [`SMTP:${u.mail}`];
    }
  }
  /** The user or shared mailbox that owns an SMTP address (primary or alias), case-insensitive. */
  addressOwner(address: string) {
    const a = address.toLowerCase();
    const user = this.state.users.find((u) => smtpAddressesOf(u).includes(a));
    if (user) return { kind: "user" as const, user };
    const shared = this.state.shared.find((m) => m.address === a);
    return shared ? { kind: "shared" as const, shared } : undefined;
  }
  /** The object id of the app's enterprise application (service principal) in a tenant, if any. */
  spObjectId(clientId: string, tenantId: string) {
    const sp = this.state.servicePrincipals.find((s) => s.tenantId === tenantId && s.clientId === clientId.toLowerCase());
    if (!sp) return undefined;
    return (sp.objectId ??= servicePrincipalObjectId(sp.tenantId, sp.clientId));
  }
  get isEmpty() {
    return this.state.tenants.length === 0;
  }
  /** The last flush's duration: the next waits at least ten times as long (at least 50 ms), so a
   *  large state (a load test's thousands of refresh tokens) costs at most a tenth of the CPU. */
  private lastFlushMs = 0;
  save() {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), Math.max(50, 10 * this.lastFlushMs));
  }
  flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const t = performance.now();
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state, null, 1));
    renameSync(tmp, this.file);
    this.lastFlushMs = performance.now() - t;
  }
  now() {
    return new Date(Date.now() + this.state.clockOffsetMs);
  }
  tenant(idOrDomain: string) {
    const k = idOrDomain.toLowerCase();
    return this.state.tenants.find((t) => t.id === k || t.domains.includes(k));
  }
  user(upn: string) {
    return this.state.users.find((u) => u.upn === upn.toLowerCase());
  }
  app(clientId: string) {
    return this.state.apps.find((a) => a.clientId === clientId.toLowerCase());
  }
  /** An app is usable in a tenant when it lives there or has a service principal there. */
  appInTenant(clientId: string, tenantId: string) {
    const app = this.app(clientId);
    if (!app) return undefined;
    if (app.homeTenantId === tenantId && this.state.servicePrincipals.some((s) => s.tenantId === tenantId && s.clientId === app.clientId))
      return app;
    if (app.isMultiTenant && this.state.servicePrincipals.some((s) => s.tenantId === tenantId && s.clientId === app.clientId)) return app;
    return undefined;
  }

  directoryView(): SandboxDirectoryView {
    const s = () => this.state;
    const owners = (): MailboxOwner[] => [
      // A user's mailbox is known by its primary SMTP address; aliases resolve to it.
      ...s().users.map((u) => ({ kind: "user" as const, address: u.mail, tenantId: u.tenantId, user: u })),
      ...s().shared.map((m) => ({ kind: "shared" as const, address: m.address, tenantId: m.tenantId, shared: m })),
    ];
    return {
      getTenant: (id) => s().tenants.find((t) => t.id === id),
      getUserById: (oid) => s().users.find((u) => u.id === oid),
      getUserByUpn: (upn) => this.user(upn),
      getSharedMailbox: (a) => s().shared.find((m) => m.address === a.toLowerCase()),
      resolveMailbox: (address) => {
        const o = this.addressOwner(address);
        if (!o) return undefined;
        return o.kind === "user"
          ? { kind: "user", address: o.user.mail, tenantId: o.user.tenantId, user: o.user }
          : { kind: "shared", address: o.shared.address, tenantId: o.shared.tenantId, shared: o.shared };
      },
      listMailboxes: owners,
      hasAppRoleConsent: (tenantId, appId, role) =>
        s().consents.some(
          (c) =>
            c.kind === "admin" &&
            c.tenantId === tenantId &&
            c.clientId === appId &&
            c.roles.some((r) => r === role || r.endsWith(`/${role}`)),
        ),
      exchangeAppGrant: (p) => exoAppGrant(s().exchange, p),
    };
  }
}
