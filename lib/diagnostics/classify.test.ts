import { describe, expect, it } from "vitest";
import { classify, classifyTokenFailure } from "./classify";
import { CATALOG } from "./catalog";
import { failureFromGraphResponse, failureFromNetworkError, failureFromRedirect, redact } from "../microsoft/parse-error";
import { failureFromImapReply } from "../mail/imap";
import { failureFromPopReply } from "../mail/pop3";
import { failureFromSmtpReply } from "../mail/smtp";
import type { TTokenError } from "../microsoft/token-client";

const tokenErr = (status: number | null, error: string | null, aadsts: number[], kind: TTokenError["kind"] = "http"): TTokenError => ({
  ok: false,
  kind,
  status,
  error,
  aadsts,
  description: aadsts.length ? `AADSTS${aadsts[0]}: message` : "x",
  suberror: null,
  traceId: null,
  correlationId: null,
  retryAfterSeconds: null,
});

describe("diagnosis catalog", () => {
  it("has unique codes, and every entry has a cause and fix steps", () => {
    const codes = CATALOG.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const e of CATALOG) {
      expect(e.cause.length).toBeGreaterThan(10);
      expect(e.fixSteps.length).toBeGreaterThan(0);
    }
  });

  it("maps every AADSTS code Microsoft documents for the sign-in and token errors Consentry meets to a specific diagnosis", () => {
    const codes = [
      50011, 65001, 65004, 70000, 70008, 700082, 7000215, 7000222, 700016, 90002, 50076, 50079, 53003, 50020, 90094, 90008, 500011, 50126,
      9002313, 54005, 70011, 50173, 50132, 50133, 70043, 501481, 7000218, 50057, 900941,
    ];
    for (const c of codes) {
      const d = classify({ source: "token", error: "invalid_grant", aadsts: [c], message: `AADSTS${c}` });
      expect(d.code, `AADSTS${c}`).not.toBe("unknown");
    }
    expect(classify({ source: "token", aadsts: [7000215], message: "" }).code).toBe("secret_invalid");
    expect(classify({ source: "token", aadsts: [700082], message: "" }).code).toBe("refresh_token_inactive");
    expect(classify({ source: "token", aadsts: [50173], message: "" }).code).toBe("refresh_token_revoked");
  });

  it("reads authorize redirects, URL-encoded the way Microsoft sends them", () => {
    const f = failureFromRedirect({
      error: "access_denied",
      error_description: "AADSTS65004%3a+User+declined+to+consent+to+access+the+app.%0d%0aTrace+ID%3a+x",
    });
    expect(f.aadsts).toEqual([65004]);
    expect(classify(f).code).toBe("consent_declined");
    expect(
      classify(failureFromRedirect({ error: "access_denied", error_description: "AADSTS90094: The grant requires admin permission." }))
        .code,
    ).toBe("admin_approval_required");
  });

  it("tells SMTP refusals apart", () => {
    expect(
      classify(
        failureFromSmtpReply(
          "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.",
        ),
      ).code,
    ).toBe("smtp_auth_disabled");
    expect(classify(failureFromSmtpReply("535 5.7.3 Authentication unsuccessful [SN2PR00CA0018.namprd00.prod.outlook.com]")).code).toBe(
      "smtp_auth_failed",
    );
    expect(classify(failureFromSmtpReply("550 5.7.60 SMTP; Client does not have permissions to send as this sender")).code).toBe(
      "delegate_lacks_send_as",
    );
    for (const sendAs of [
      "554 5.2.252 SendAsDenied; bob@fabrikam.onmicrosoft.com not allowed to send as support@fabrikam.onmicrosoft.com; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message [BeginDiagnosticData]Cannot submit message. 0.35250:0A000000, 1.36674:0A000000[EndDiagnosticData]",
      "554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message Cannot submit message.",
      "550 5.7.60 SMTP; Client does not have permissions to send as this sender [MW2PR1901MB2155.namprd19.prod.outlook.com]",
    ]) {
      const f = failureFromSmtpReply(sendAs);
      expect(classify(f).code).toBe("delegate_lacks_send_as");
      expect(f.smtpCode).toBe(Number(sendAs.slice(0, 3)));
    }
  });

  it('refines IMAP\'s "authenticated but not connected" with directory evidence', () => {
    const f = failureFromImapReply("A2 BAD User is authenticated but not connected.");
    expect(classify(f).code).toBe("imap_not_connected");
    expect(classify(f, { expectedUser: "helpdesk@contoso.com", tokenUpn: "bob@contoso.com", mailboxKind: "user" }).code).toBe(
      "wrong_user_signed_in",
    );
    expect(
      classify(f, {
        expectedUser: "support@contoso.com",
        delegateUpn: "it@contoso.com",
        tokenUpn: "it@contoso.com",
        mailboxKind: "shared",
        hasFullAccess: false,
      }).code,
    ).toBe("delegate_lacks_full_access");
    expect(
      classify(f, { expectedUser: "helpdesk@contoso.com", tokenUpn: "helpdesk@contoso.com", mailboxKind: "user", isLicensed: false }).code,
    ).toBe("mailbox_unlicensed_or_imap_disabled");
    expect(classify(f, { expectedUser: "helpdesk@contoso.com", tokenUpn: "HelpDesk@contoso.com", mailboxKind: "user" }).code).toBe(
      "mailbox_unlicensed_or_imap_disabled",
    );
    // The mailbox's own user, signed in by a UPN other than the address (its sign-in name): not the wrong user.
    expect(
      classify(f, {
        expectedUser: "jane.doe@contoso.com",
        signInName: "jdoe@contoso.com",
        tokenUpn: "JDoe@contoso.com",
        mailboxKind: "user",
      }).code,
    ).toBe("mailbox_unlicensed_or_imap_disabled");
    expect(
      classify(f, {
        expectedUser: "jane.doe@contoso.com",
        signInName: "jdoe@contoso.com",
        tokenUpn: "bob@contoso.com",
        mailboxKind: "user",
      }).code,
    ).toBe("wrong_user_signed_in");
    expect(
      classify(f, { expectedUser: "support@contoso.com", delegateUpn: "it@contoso.com", tokenUpn: "it@contoso.com", mailboxKind: "shared" })
        .code,
    ).toBe("delegate_lacks_full_access");
    expect(classify(failureFromImapReply("A1 NO AUTHENTICATE failed.")).code).toBe("imap_auth_failed");
    expect(classify(failureFromImapReply("A1 NO [AUTHENTICATIONFAILED] Authentication failed.")).code).toBe("imap_auth_failed"); // Dovecot's wording
    expect(classify(failureFromImapReply("A1 BAD Request is throttled. Suggested Backoff Time: 299961 milliseconds"))).toMatchObject({
      code: "imap_throttled",
      transient: true,
    });
    expect(classify(failureFromPopReply("-ERR Authentication failure: unknown user name or bad password.")).code).toBe("pop_auth_failed");
  });

  it("classifies Graph and network failures", () => {
    expect(
      classify(
        failureFromGraphResponse(404, {
          error: { code: "MailboxNotEnabledForRESTAPI", message: "The mailbox is either inactive, soft-deleted, or is hosted on-premise." },
        }),
      ).code,
    ).toBe("graph_mailbox_not_enabled");
    expect(classify(failureFromGraphResponse(429, { error: { code: "ApplicationThrottled" } }, { "retry-after": "10" }))).toMatchObject({
      code: "graph_throttled",
      transient: true,
    });
    expect(classify(failureFromGraphResponse(410, { error: { code: "syncStateNotFound" } })).code).toBe("graph_delta_expired");
    // Outlook sends the code in Pascal case, with a 4xx that need not be 410.
    expect(classify(failureFromGraphResponse(400, { error: { code: "SyncStateNotFound" } })).code).toBe("graph_delta_expired");
    expect(classify(failureFromGraphResponse(403, { error: { code: "authorization_requestdenied" } })).code).toBe(
      classify(failureFromGraphResponse(403, { error: { code: "Authorization_RequestDenied" } })).code,
    );
    expect(classify(failureFromNetworkError(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).code).toBe("network_error");
    expect(classify(failureFromNetworkError(Object.assign(new Error("x"), { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" }))).code).toBe(
      "tls_error",
    );
  });

  it("splits token failures into transient, permanent grant and permanent client", () => {
    expect(classifyTokenFailure(tokenErr(503, null, [])).kind).toBe("transient");
    expect(classifyTokenFailure(tokenErr(null, "ECONNRESET", [], "network")).kind).toBe("transient");
    expect(classifyTokenFailure(tokenErr(400, "temporarily_unavailable", [])).kind).toBe("transient");
    for (const c of [700082, 50173, 65001, 70043])
      expect(classifyTokenFailure(tokenErr(400, "invalid_grant", [c])).kind).toBe("permanent_grant");
    for (const c of [7000215, 7000222]) expect(classifyTokenFailure(tokenErr(401, "invalid_client", [c])).kind).toBe("permanent_client");
  });

  it("redacts credentials from evidence", () => {
    const s = redact("auth=Bearer eyJhbGciOi.eyJzdWIiOiJ4In0.sig refresh_token=0.AAAA&x=1 client_secret=abc");
    expect(s).not.toContain("eyJhbGciOi");
    expect(s).not.toContain("0.AAAA");
    expect(s).not.toContain("=abc");
    // Secret values go; Exchange's server names stay, they help support.
    expect(redact("bad secret Ctso8Q~demo.secret-value-0001-abcdefghijkl given")).toBe("bad secret [redacted] given");
    expect(
      redact("550 5.7.60 SMTP; Client does not have permissions to send as this sender [MW2PR1901MB2155.namprd19.prod.outlook.com]"),
    ).toContain("[MW2PR1901MB2155.namprd19.prod.outlook.com]");
  });
});
