// /sandbox: the sandbox's own console. Lists the directory and flips every failure switch
// (each button posts an admin-API call back to the same page).
import type { TSbState } from "../directory/model";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function btn(label: string, method: string, path: string, body: unknown = {}) {
  return `<form method="post" action="/sandbox" style="display:inline"><input type="hidden" name="action" value="${esc(`${method} ${path}`)}"><input type="hidden" name="body" value="${esc(JSON.stringify(body))}"><button>${esc(label)}</button></form>`;
}

/** Builds an admin-API body from a console form: `body` (JSON) merged with typed fields:
 *  `s:name` text, `n:name` number, `b:name` checkbox, `l:name` comma-separated list. Empty
 *  text, number and list fields are left out so the API's defaults apply. */
export function consoleFormBody(form: URLSearchParams): Record<string, unknown> {
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(form.get("body") || "{}") as Record<string, unknown>;
  } catch {
    body = {};
  }
  for (const [k, v] of form) {
    const [type, name] = k.split(":");
    if (!name) continue;
    if (type === "b") body[name] = v === "on" || v === "true";
    else if (v.trim() === "") continue;
    else if (type === "s") body[name] = v.trim();
    else if (type === "n") body[name] = Number(v);
    else if (type === "l") body[name] = v.split(/[,\s]+/).filter(Boolean);
  }
  return body;
}

/** Renames a user's sign-in name (UPN); the object id, mailbox and grants stay. */
function renameForm(upn: string) {
  return `<form method="post" action="/sandbox" style="display:inline"><input type="hidden" name="action" value="${esc(`PATCH /admin/users/${upn}`)}"><input name="s:upn" placeholder="new UPN" aria-label="New UPN for ${esc(upn)}" required size="18"><button>Rename UPN</button></form>`;
}

function createForm(title: string, path: string, fields: string, submit: string) {
  return `<details><summary>${esc(title)}</summary><form method="post" action="/sandbox" class="create"><input type="hidden" name="action" value="POST ${esc(path)}"><input type="hidden" name="show" value="1">${fields}<button>${esc(submit)}</button></form></details>`;
}
const text = (name: string, label: string, placeholder = "", required = false) =>
  `<label>${esc(label)} <input name="s:${name}" placeholder="${esc(placeholder)}"${required ? " required" : ""}></label>`;
const list = (name: string, label: string, placeholder = "") =>
  `<label>${esc(label)} <input name="l:${name}" placeholder="${esc(placeholder)}"></label>`;
// The hidden "false" goes first, so an unticked box still sends a value and a ticked one wins.
const check = (name: string, label: string, on = false) =>
  `<label><input type="hidden" name="b:${name}" value="false"><input type="checkbox" name="b:${name}"${on ? " checked" : ""}> ${esc(label)}</label>`;

function createForms(s: TSbState) {
  const tenants = s.tenants.map((t) => `<option value="${esc(t.id)}">${esc(t.displayName)} (${esc(t.domains[0])})</option>`).join("");
  return `<section><h2>Create</h2>
${createForm("Tenant", "/admin/tenants", `${text("displayName", "Name", "Acme Corp", true)} ${text("domain", "Verified domain", "acme.onmicrosoft.com", true)} ${list("extraDomains", "More domains", "acme.com")} ${check("smtpAuthDisabled", "SMTP AUTH disabled")} ${check("usersMayConsent", "Users may consent", true)} ${check("securityDefaults", "Security defaults")}`, "Create tenant")}
${createForm("User", "/admin/users", `${text("upn", "UPN", "ann@acme.onmicrosoft.com", true)} ${text("mail", "Primary address (if not the UPN)", "ann.example@acme.com")} ${list("aliases", "Aliases", "ann@acme.com")} <label>Password <input name="s:password" value="Passw0rd!" required></label> ${text("displayName", "Display name", "Ann Example")} ${check("isAdmin", "Global admin")} ${check("isLicensed", "Licensed", true)} ${check("mfaRequired", "MFA required")} ${check("imapEnabled", "IMAP", true)} ${check("popEnabled", "POP", true)}`, "Create user")}
${createForm("Shared mailbox", "/admin/shared-mailboxes", `${text("address", "Address", "support@acme.onmicrosoft.com", true)} ${text("displayName", "Display name", "Support")} ${list("fullAccess", "FullAccess (UPNs)", "ann@acme.onmicrosoft.com")} ${list("sendAs", "SendAs (UPNs)", "ann@acme.onmicrosoft.com")}`, "Create shared mailbox")}
${createForm("App registration", "/admin/apps", `${text("displayName", "Name", "Helpdesk mail", true)} <label>Home tenant <select name="s:homeTenant">${tenants}</select></label> ${list("redirectUris", "Redirect URIs", "http://localhost:3000/api/oauth/callback")} <label>Secret valid (days) <input name="n:secretExpiresInDays" type="number" min="1" max="730" value="180"></label> ${check("isMultiTenant", "Multi-tenant")}`, "Register app")}
<p><small>An app's secret value is shown once, right after it's created.</small></p></section>`;
}

const ROLES = [
  "Application Mail.Read",
  "Application Mail.ReadBasic",
  "Application Mail.ReadWrite",
  "Application Mail.Send",
  "Application Mail Full Access",
  "Application Exchange Full Access",
  "Application EWS.AccessAsApp",
  "Application SMTP.SendAsApp",
];

/** Exchange Online's side of app-only access for one tenant: the cmdlets an admin would run. */
function exchangeSection(s: TSbState, tenantId: string) {
  const x = s.exchange;
  const base = `/admin/exchange/${tenantId}`;
  const sps = x.servicePrincipals.filter((p) => p.tenantId === tenantId);
  const spName = (oid: string) => sps.find((p) => p.objectId === oid)?.displayName ?? oid;
  const enterprise = s.servicePrincipals.filter((p) => p.tenantId === tenantId);
  const perms = x.mailboxPermissions.filter((m) => m.tenantId === tenantId);
  const scopes = x.managementScopes.filter((m) => m.tenantId === tenantId);
  const roles = x.roleAssignments.filter((m) => m.tenantId === tenantId);
  const mailboxes = new Set([
    ...s.users.filter((u) => u.tenantId === tenantId).map((u) => u.mail),
    ...s.shared.filter((m) => m.tenantId === tenantId).map((m) => m.address),
  ]);
  const attrs = Object.entries(x.customAttributes).filter(([a, v]) => mailboxes.has(a) && Object.keys(v).length);
  const form = (title: string, method: string, path: string, fields: string, submit: string) =>
    `<form method="post" action="/sandbox" class="create"><input type="hidden" name="action" value="${esc(`${method} ${path}`)}"><input type="hidden" name="show" value="1"><b>${esc(title)}</b> ${fields}<button>${esc(submit)}</button></form>`;
  const roleSelect = `<label>Role <select name="s:role">${ROLES.map((r) => `<option>${esc(r)}</option>`).join("")}</select></label>`;
  return `<details><summary>Exchange app-only access (service principals, mailbox permissions, RBAC for Applications)</summary>
<p>Enterprise applications (Entra): ${enterprise.map((p) => `${esc(s.apps.find((a) => a.clientId === p.clientId)?.displayName ?? p.clientId)} <small>appId ${p.clientId} · objectId ${p.objectId ?? "?"}</small>`).join("; ") || "none"}</p>
<p>Exchange service principals: ${sps.map((p) => `${esc(p.displayName)} <small>appId ${p.appId} · objectId ${p.objectId}</small> ${btn("Remove-ServicePrincipal", "DELETE", `${base}/service-principals/${p.objectId}`)}`).join("<br>") || "none"}</p>
<p>FullAccess for service principals: ${perms.map((m) => `${esc(m.address)} → ${esc(spName(m.principalObjectId))} ${btn("Remove-MailboxPermission", "DELETE", `${base}/mailbox-permissions/${m.address}/${m.principalObjectId}`)}`).join("<br>") || "none"}</p>
<p>Management scopes: ${scopes.map((m) => `${esc(m.name)} <small>${esc(m.recipientRestrictionFilter)}</small> ${btn("Remove-ManagementScope", "DELETE", `${base}/management-scopes/${encodeURIComponent(m.name)}`)}`).join("<br>") || "none"}</p>
<p>App role assignments: ${roles.map((r) => `${esc(r.role)} → ${esc(spName(r.appObjectId))} in ${esc(r.customResourceScope ?? "the whole organization")} ${btn("Remove-ManagementRoleAssignment", "DELETE", `${base}/role-assignments/${encodeURIComponent(r.name)}`)}`).join("<br>") || "none"}</p>
<p>Custom attributes: ${
    attrs
      .map(
        ([a, v]) =>
          `${esc(a)}: ${Object.entries(v)
            .map(([k, val]) => `${esc(k)}=${esc(val)} ${btn("Clear", "PATCH", `${base}/recipients/${a}`, { [k]: null })}`)
            .join(" ")}`,
      )
      .join("<br>") || "none"
  }</p>
${form("New-ServicePrincipal", "POST", `${base}/service-principals`, `${text("appId", "AppId", "", true)} ${text("objectId", "ObjectId (enterprise app)", "", true)} ${text("displayName", "DisplayName")}`, "Register")}
${form("Add-MailboxPermission", "POST", `${base}/mailbox-permissions`, `${text("identity", "Mailbox", "support@…", true)} ${text("user", "Service principal (object id, app id or name)", "", true)}`, "Grant FullAccess")}
${form("Set-Mailbox", "POST", `${base}/recipients`, `${text("identity", "Mailbox", "support@…", true)} ${text("CustomAttribute1", "CustomAttribute1", "consentry", true)}`, "Set")}
${form("New-ManagementScope", "POST", `${base}/management-scopes`, `${text("name", "Name", "Consentry mailboxes", true)} ${text("recipientRestrictionFilter", "RecipientRestrictionFilter", "CustomAttribute1 -eq 'consentry'", true)}`, "Create scope")}
${form("New-ManagementRoleAssignment -App", "POST", `${base}/role-assignments`, `${text("app", "Service principal", "", true)} ${roleSelect} ${text("customResourceScope", "CustomResourceScope (empty: organization)")}`, "Assign")}
</details>`;
}

export function consolePage(s: TSbState, now: Date, flash?: { ok: boolean; text: string }): string {
  const rows = s.tenants
    .map((t) => {
      const users = s.users.filter((u) => u.tenantId === t.id);
      const apps = s.apps.filter((a) => a.homeTenantId === t.id);
      const consents = s.consents.filter((c) => c.tenantId === t.id);
      const shared = s.shared.filter((m) => m.tenantId === t.id);
      return `<section><h2>${esc(t.displayName)} <small>${t.id} · ${t.domains.join(", ")}</small></h2>
<p>SMTP AUTH ${t.smtpAuthDisabled ? "<b>disabled</b>" : "enabled"} ${btn(t.smtpAuthDisabled ? "Enable SMTP AUTH" : "Disable SMTP AUTH", "PATCH", `/admin/tenants/${t.id}`, { smtpAuthDisabled: !t.smtpAuthDisabled })}
 · users may consent: ${t.usersMayConsent ? "yes" : "<b>no</b>"} ${btn("Toggle", "PATCH", `/admin/tenants/${t.id}`, { usersMayConsent: !t.usersMayConsent })}
 · SendAs refusal: ${t.sendAsDeniedReply === "5.7.60" ? "<b>550 5.7.60</b> (older tenant)" : "554 5.2.252"} ${btn("Switch", "PATCH", `/admin/tenants/${t.id}`, { sendAsDeniedReply: t.sendAsDeniedReply === "5.7.60" ? "5.2.252" : "5.7.60" })}</p>
<table><tr><th>User</th><th>Flags</th><th>Switches</th></tr>${users
        .map(
          (u) => `<tr><td>${esc(u.upn)}${u.isAdmin ? " (admin)" : ""}${u.mail !== u.upn ? `<br><small>mail ${esc(u.mail)}</small>` : ""}${
            u.proxyAddresses.length > 1
              ? `<br><small>aliases ${esc(
                  u.proxyAddresses
                    .slice(1)
                    .map((p) => p.slice(5))
                    .join(", "),
                )}</small>`
              : ""
          }</td><td>${[!u.isLicensed && "unlicensed", u.mfaRequired && "MFA", u.caBlocked && "CA-blocked", u.isDisabled && "disabled", !u.imapEnabled && "IMAP off", u.smtpAuthDisabled === true && "SMTP AUTH off", u.signInFrequencyDays && `SIF ${u.signInFrequencyDays}d`].filter(Boolean).join(", ") || "—"}</td><td>
${btn(u.isLicensed ? "Unlicense" : "License", "PATCH", `/admin/users/${u.upn}`, { isLicensed: !u.isLicensed })} ${btn(u.mfaRequired ? "No MFA" : "Require MFA", "PATCH", `/admin/users/${u.upn}`, { mfaRequired: !u.mfaRequired })} ${btn(u.caBlocked ? "Unblock CA" : "Block by CA", "PATCH", `/admin/users/${u.upn}`, { caBlocked: !u.caBlocked })} ${btn(u.imapEnabled ? "IMAP off" : "IMAP on", "PATCH", `/admin/users/${u.upn}`, { imapEnabled: !u.imapEnabled })} ${btn(u.smtpAuthDisabled === true ? "SMTP AUTH: follow tenant" : "SMTP AUTH off", "PATCH", `/admin/users/${u.upn}`, { smtpAuthDisabled: u.smtpAuthDisabled === true ? null : true })} ${btn(u.isDisabled ? "Enable account" : "Disable account", "PATCH", `/admin/users/${u.upn}`, { isDisabled: !u.isDisabled })} ${btn("Sign-in frequency 1 day", "PATCH", `/admin/users/${u.upn}`, { signInFrequencyDays: 1 })} ${btn("Admin password reset", "POST", `/admin/users/${u.upn}/reset-password`, { password: "Passw0rd!" })} ${btn("Revoke sessions", "POST", `/admin/users/${u.upn}/revoke-sessions`)} ${renameForm(u.upn)}</td></tr>`,
        )
        .join("")}</table>
<p>Shared: ${shared.map((m) => `${esc(m.address)} (FullAccess: ${esc(m.fullAccess.map((id) => s.users.find((u) => u.id === id)?.upn ?? "?").join(", ") || "nobody")}; SendAs: ${esc(m.sendAs.map((id) => s.users.find((u) => u.id === id)?.upn ?? "?").join(", ") || "nobody")}) ${btn("Remove FullAccess", "PATCH", `/admin/shared-mailboxes/${m.address}`, { fullAccess: [] })} ${btn("Remove SendAs", "PATCH", `/admin/shared-mailboxes/${m.address}`, { sendAs: [] })}`).join("<br>") || "—"}</p>
<table><tr><th>App</th><th>Secrets</th><th>Switches</th></tr>${apps
        .map(
          (a) =>
            `<tr><td>${esc(a.displayName)}<br><small>${a.clientId}${a.isMultiTenant ? " · multi-tenant" : ""}</small></td><td>${a.secrets.map((x) => `${esc(x.hint)}… expires ${x.expiresAt.slice(0, 10)} ${btn("Expire", "POST", `/admin/apps/${a.clientId}/secrets/${x.id}/expire`)} ${btn("Delete", "DELETE", `/admin/apps/${a.clientId}/secrets/${x.id}`)}`).join("<br>")}</td><td>${btn("New secret", "POST", `/admin/apps/${a.clientId}/secrets`, { expiresInDays: 180 })} ${btn("Remove consent", "DELETE", `/admin/tenants/${t.id}/consents/${a.clientId}`)} ${btn("Delete from tenant", "DELETE", `/admin/tenants/${t.id}/apps/${a.clientId}`)}</td></tr>`,
        )
        .join("")}</table>
${exchangeSection(s, t.id)}
<p>Consents: ${consents.map((c) => `${c.kind}${c.userId ? ` (${esc(s.users.find((u) => u.id === c.userId)?.upn ?? "?")})` : ""} for ${c.clientId.slice(0, 8)}…: ${c.scopes.length} scopes, ${c.roles.length} roles`).join("; ") || "none"}</p></section>`;
    })
    .join("");
  return `<!doctype html><html><head><meta charset="utf-8"><title>Microsoft 365 sandbox</title><style>body{font-family:system-ui,sans-serif;margin:24px;color:#222}section{border:1px solid #ddd;padding:12px 16px;margin:12px 0;border-radius:6px}table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-top:1px solid #eee;padding:4px;text-align:left;vertical-align:top}small{color:#777;font-weight:normal}button{font-size:12px;margin:1px}form.create{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0 12px}pre.flash{padding:8px 12px;border-radius:6px;white-space:pre-wrap}pre.ok{background:#ecfdf5;border:1px solid #a7f3d0}pre.err{background:#fef2f2;border:1px solid #fecaca}</style></head><body>
<h1>Microsoft 365 sandbox</h1>${flash ? `<pre class="flash ${flash.ok ? "ok" : "err"}" role="status" id="flash">${esc(flash.text)}</pre>` : ""}<p>Clock: ${now.toISOString()} (offset ${(s.clockOffsetMs / 86_400_000).toFixed(1)} days) ${btn("+1 day", "POST", "/admin/clock", { advanceDays: 1 })} ${btn("+7 days", "POST", "/admin/clock", { advanceDays: 7 })} ${btn("+91 days", "POST", "/admin/clock", { advanceDays: 91 })} ${btn("Reset clock", "POST", "/admin/clock", { reset: true })}</p>
<p>Token endpoint: ${s.faults.tokenEndpoint ? `<b>${s.faults.tokenEndpoint.mode} × ${s.faults.tokenEndpoint.remaining}</b>` : "healthy"} ${btn("Next 3 calls: 503", "POST", "/admin/faults/token-endpoint", { mode: "503", count: 3 })} ${btn("Next call: 500", "POST", "/admin/faults/token-endpoint", { mode: "500", count: 1 })} ${btn("Next call: timeout 20 s", "POST", "/admin/faults/token-endpoint", { mode: "timeout", count: 1, seconds: 20 })} ${btn("Clear", "POST", "/admin/faults/token-endpoint", { mode: "500", count: 0 })}</p>
${createForms(s)}
${rows}</body></html>`;
}
