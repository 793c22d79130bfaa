// Server-rendered sign-in pages in the look of Microsoft's, usable by a person and by Playwright.
import { randomUUID } from "node:crypto";
import { msTimestamp } from "./aadsts";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function layout(title: string, body: string) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><meta name="viewport" content="width=device-width"><style>
body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0;display:flex;justify-content:center;padding-top:8vh}
.box{background:#fff;width:440px;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}.logo{font-weight:600;color:#737373;margin-bottom:16px}
h1{font-size:24px;font-weight:600;margin:0 0 16px}input[type=text],input[type=email],input[type=password]{width:100%;border:0;border-bottom:1px solid #666;padding:6px 0;font-size:15px;margin-bottom:16px;outline:none}
button{background:#0067b8;color:#fff;border:0;padding:6px 24px;font-size:15px;min-width:108px;cursor:pointer}button.secondary{background:#ccc;color:#000}
.err{color:#e81123;margin-bottom:12px}.perm{border-bottom:1px solid #eee;padding:8px 0}.small{font-size:13px;color:#555}.row{display:flex;gap:8px;justify-content:flex-end;margin-top:16px}
pre{white-space:pre-wrap;font-size:12px;background:#f7f7f7;padding:8px}</style></head><body><div class="box"><div class="logo">Microsoft (sandbox)</div>${body}</div></body></html>`;
}

export const signInPage = (flow: string, hint: string, error?: string) =>
  layout(
    "Sign in to your account",
    `<h1>Sign in</h1>${error ? `<div class="err" role="alert">${esc(error)}</div>` : ""}<form method="post" action="/_sandbox/login"><input type="hidden" name="flow" value="${esc(flow)}">
<label class="small" for="loginfmt">Email, phone, or Skype</label><input type="email" id="loginfmt" name="loginfmt" value="${esc(hint)}" autocomplete="username">
<label class="small" for="passwd">Password</label><input type="password" id="passwd" name="passwd" autocomplete="current-password"><div class="row"><button type="submit">Sign in</button></div></form>`,
  );

export const mfaPage = (flow: string, upn: string) =>
  layout(
    "Approve sign in request",
    `<h1>Approve sign in request</h1><p>${esc(upn)}</p><p class="small">Open your Authenticator app and approve the request to sign in.</p><form method="post" action="/_sandbox/mfa"><input type="hidden" name="flow" value="${esc(flow)}"><div class="row"><button type="submit">Approve</button></div></form>`,
  );

export const consentPage = (flow: string, p: { upn: string; appName: string; perms: string[]; isAdmin: boolean; adminConsent?: boolean }) =>
  layout(
    "Permissions requested",
    `<h1>Permissions requested</h1><p class="small">${esc(p.upn)}</p><p><b>${esc(p.appName)}</b> would like to:</p>${p.perms.map((x) => `<div class="perm">${esc(x)}</div>`).join("")}
<form method="post" action="/_sandbox/consent"><input type="hidden" name="flow" value="${esc(p.adminConsent ? `admin:${flow}` : flow)}">${p.isAdmin && !p.adminConsent ? `<p><label><input type="checkbox" name="consent_org" id="consent_org" value="1"> Consent on behalf of your organization</label></p>` : ""}${p.adminConsent ? `<p class="small">Accepting grants these permissions to the app for everyone in your organization.</p>` : ""}
<div class="row"><button type="submit" name="action" value="cancel" class="secondary">Cancel</button><button type="submit" name="action" value="accept">Accept</button></div></form>`,
  );

export const needAdminPage = (p: { appName: string; returnUrl: string; now: Date }) =>
  layout(
    "Need admin approval",
    `<h1>Need admin approval</h1><p>${esc(p.appName)} needs permission to access resources in your organization that only an admin can grant. Please ask an admin to grant permission to this app before you can use it.</p>
<p><a href="${esc(p.returnUrl)}">Return to the application without granting consent</a></p><pre>AADSTS90094: The grant requires admin permission.\nTimestamp: ${msTimestamp(p.now)}</pre>`,
  );

export const errorPage = (message: string, now: Date) =>
  layout(
    "Sign in error",
    `<h1>Sorry, but we're having trouble signing you in.</h1><pre data-testid="aad-error">Request Id: ${randomUUID()}\nCorrelation Id: ${randomUUID()}\nTimestamp: ${now.toISOString().replace(/\.\d+Z$/, "Z")}\nMessage: ${esc(message)}</pre>`,
  );

export const formPostPage = (action: string, fields: Record<string, string>) =>
  `<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${esc(action)}">${Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join("")}<noscript><button type="submit">Continue</button></noscript></form></body></html>`;
