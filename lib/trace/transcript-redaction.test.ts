// Unit: trace redaction on real transcripts. The lines below were recorded from Consentry's
// connection test against the sandbox (IMAP, SMTP, POP3, Graph, token endpoint), with the
// credentials a careless transport could let through put back in their wire form: the SASL
// payloads, the token endpoint's form and JSON, Authorization headers. What stays must still tell
// support what happened; what goes must be every credential and every message's content.
import { describe, expect, it } from "vitest";
import { TraceRecorder } from "./trace-context";
import { redactTraceText, withoutContent } from "../log/redact";

const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
/** A token shaped like the sandbox's (and Microsoft's) v2 access tokens. */
const JWT = `${b64url({ typ: "JWT", alg: "RS256", kid: "sbx-1" })}.${b64url({ aud: "https://outlook.office.com", upn: "helpdesk@contoso.onmicrosoft.com", scp: "IMAP.AccessAsUser.All SMTP.Send", exp: 1796000000 })}.${"Qm9ndXNTaWduYXR1cmU".repeat(10)}`;
const RT = "1.AVEAThe_sandbox-refresh-token_0123456789abcdefghijklmnopqrstuvwxyz_ABCDEFGH";
const SECRET = "cTz8Q~sandbox.client-secret_value0123456789";
const USER = "helpdesk@contoso.onmicrosoft.com";
const XOAUTH2 = Buffer.from(`user=${USER}\x01auth=Bearer ${JWT}\x01\x01`).toString("base64");

/** [protocol, direction, raw line] as the hooks hand them to the recorder. */
const TRANSCRIPT: [string, string, string][] = [
  ["token", ">", "POST https://localhost:34571/3f1c2a4e-6b7d-4c8e-9f10-aa11bb22cc01/oauth2/v2.0/token"],
  [
    "token",
    ">",
    `client_id=5a0e1111-2222-4333-8444-00000000c001&grant_type=refresh_token&refresh_token=${RT}&scope=https://outlook.office.com/IMAP.AccessAsUser.All offline_access&client_secret=${SECRET}`,
  ],
  ["token", "<", "HTTP 200"],
  [
    "token",
    "<",
    JSON.stringify({
      token_type: "Bearer",
      scope: "https://outlook.office.com/IMAP.AccessAsUser.All",
      expires_in: 3841,
      access_token: JWT,
      refresh_token: RT,
      id_token: JWT,
    }),
  ],
  [
    "imap",
    "<",
    "* OK The Microsoft Exchange IMAP4 service is ready. [TQBXADIAUABSADEAOQAwADEATQBCADIAMQA1ADUALgBuAGEAbQBwAHIAZAAxADkALgBwAHIAbwBkAC4AbwB1AHQAbABvAG8AawAuAGMAbwBtAA==]",
  ],
  ["imap", ">", "1 CAPABILITY"],
  ["imap", "<", "* CAPABILITY IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+"],
  ["imap", ">", `3 AUTHENTICATE XOAUTH2 ${XOAUTH2}`],
  ["imap", ">", '3 AUTHENTICATE XOAUTH2 "(* value hidden *)"'],
  ["imap", "<", "3 OK AUTHENTICATE completed."],
  ["imap", ">", "6 STATUS INBOX (MESSAGES UNSEEN)"],
  ["imap", "<", "* STATUS INBOX (MESSAGES 268 UNSEEN 71)"],
  ["imap", "<", '* 1 FETCH (UID 42 BODY[] "(* 5120B literal *)")'],
  [
    "smtp",
    "<",
    "220 MW2PR1907MB2278.outlook.office365.com Microsoft ESMTP MAIL Service ready at Mon, 30 Nov 2026 13:59:40 +0000 [08DCE8B62813AB2B]",
  ],
  ["smtp", ">", "EHLO [127.0.0.1]"],
  ["smtp", ">", `AUTH XOAUTH2 ${XOAUTH2}`],
  ["smtp", ">", "AUTH XOAUTH2 dXNlcj1oZWxwZGVza0Bjb250b3NvLm9ubWljcm9zb2Z0LmNvbQFhdXRoPUJlYXJlciAvKiBzZWNyZXQgKi8BAQ=="],
  [
    "smtp",
    "<",
    "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.",
  ],
  ["pop", ">", "AUTH XOAUTH2"],
  ["pop", "<", "+ "],
  ["pop", ">", XOAUTH2],
  ["pop", "<", "+OK User successfully authenticated."],
  ["graph", ">", "GET https://localhost:35947/v1.0/users/helpdesk%40fabrikam.onmicrosoft.com/mailFolders/sentitems?$select=displayName"],
  ["graph", ">", `authorization: Bearer ${JWT}`],
  ["graph", ">", JSON.stringify({ headers: { Authorization: `Bearer ${JWT}` } })],
  ["graph", "<", "HTTP 429 · retry-after: 30 · request-id: 617de63c-4ec4-4671-b38a-2d7cc512c57a"],
  ["graph", "<", JSON.stringify({ error: { code: "ApplicationThrottled", message: "Application is over its MailboxConcurrency limit." } })],
];

function record(): string {
  const rec = new TraceRecorder();
  for (const [p, d, s] of TRANSCRIPT) rec.add(p as "imap", d as ">", s);
  return rec.lines.map((l) => `${l.p} ${l.d} ${l.s}`).join("\n");
}

describe("trace redaction", () => {
  it("removes every access token, refresh token, id token, client secret and SASL payload from a real transcript", () => {
    const text = record();
    for (const v of [JWT, RT, SECRET, XOAUTH2, JWT.split(".")[1], RT.slice(10, 50), encodeURIComponent(RT)]) expect(text).not.toContain(v);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(text).toContain("refresh_token=[redacted]");
    expect(text).toContain("client_secret=[redacted]");
    expect(text).toContain('"access_token":"[redacted]"');
    expect(text).toContain('"refresh_token":"[redacted]"');
    expect(text).toContain('"id_token":"[redacted]"');
    expect(text).toContain("imap > 3 AUTHENTICATE XOAUTH2 [redacted]");
    expect(text).toContain('imap > 3 AUTHENTICATE XOAUTH2 "(* value hidden *)"');
    expect(text).toContain("smtp > AUTH XOAUTH2 [redacted]");
    expect(text).toContain("pop > [XOAUTH2 payload]");
    expect(text).toMatch(/authorization: \[redacted\]/i);
    expect(text).not.toMatch(/Bearer eyJ/);
  });

  it("keeps what support reads: commands, replies, codes, URLs, scopes and the server's words", () => {
    const text = record();
    expect(text).toContain("token > POST https://localhost:34571/3f1c2a4e-6b7d-4c8e-9f10-aa11bb22cc01/oauth2/v2.0/token");
    expect(text).toContain("grant_type=refresh_token");
    expect(text).toContain("scope=https://outlook.office.com/IMAP.AccessAsUser.All offline_access");
    expect(text).toContain('"expires_in":3841');
    expect(text).toContain("imap < * STATUS INBOX (MESSAGES 268 UNSEEN 71)");
    expect(text).toContain('imap < * 1 FETCH (UID 42 BODY[] "(* 5120B literal *)")');
    expect(text).toContain("AUTH=XOAUTH2 SASL-IR");
    expect(text).toContain(
      "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled",
    );
    expect(text).toContain("MW2PR1907MB2278.outlook.office365.com");
    expect(text).toContain(
      "graph > GET https://localhost:35947/v1.0/users/helpdesk%40fabrikam.onmicrosoft.com/mailFolders/sentitems?$select=displayName",
    );
    expect(text).toContain("retry-after: 30");
    expect(text).toContain("ApplicationThrottled");
  });

  it("removes exact values the transport registered, wherever they appear", () => {
    const rec = new TraceRecorder();
    rec.secret("short-but-secret-1");
    rec.add("imap", "<", "* BYE echoing short-but-secret-1 back");
    expect(rec.lines[0].s).toBe("* BYE echoing [redacted] back");
  });

  it("drops mail content from Graph bodies and keeps the rest", () => {
    const msg = {
      subject: "Invoice",
      body: { contentType: "Text", content: "secret words" },
      bodyPreview: "secret",
      toRecipients: [{ emailAddress: { address: "a@b.c" } }],
    };
    const out = JSON.stringify(withoutContent({ value: [msg] }));
    expect(out).not.toContain("secret");
    expect(out).toContain("Invoice");
    expect(out).toContain("a@b.c");
    expect(out).toMatch(/\[body: \d+ bytes not recorded\]/);
  });

  it("bounds a transcript in lines and bytes, and says so", () => {
    const rec = new TraceRecorder();
    for (let i = 0; i < 5000; i++) rec.add("imap", "<", `* ${i} FETCH (UID ${i} FLAGS (\\Seen))`);
    expect(rec.truncated).toBe(true);
    expect(rec.lines.length).toBeLessThanOrEqual(1501);
    expect(rec.lines.at(-1)!.s).toMatch(/trace limit reached/);
    expect(redactTraceText("x".repeat(10))).toBe("x".repeat(10));
  });
});
