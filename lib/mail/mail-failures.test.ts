// Unit: each transport maps its protocol's errors to one TMicrosoftFailure (no server needed).
import { describe, expect, it } from "vitest";
import { imapFailure } from "./imap";
import { Pop3Error, popFailure } from "./pop3";
import { smtpFailure } from "./smtp";
import { graphFailure } from "./graph";

describe("transport failures", () => {
  it("IMAP: 'not connected' wins, then a failed sign-in, then the reply, then the network; else the connection ended", () => {
    expect(
      imapFailure(
        Object.assign(new Error("Command failed"), {
          authenticationFailed: true,
          responseText: "User is authenticated but not connected.",
        }),
      ),
    ).toMatchObject({ source: "imap", imapKind: "not_connected" });
    expect(imapFailure(Object.assign(new Error("Authentication failed"), { authenticationFailed: true }))).toMatchObject({
      source: "imap",
      imapKind: "auth_failed",
      message: "NO AUTHENTICATE failed.",
    });
    expect(
      imapFailure(
        Object.assign(new Error("Command failed"), { responseText: "Request is throttled. Suggested Backoff Time: 2500 milliseconds" }),
      ),
    ).toMatchObject({ imapKind: "throttled", retryAfterSeconds: 3 });
    expect(imapFailure(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:993"), { code: "ECONNREFUSED" }))).toMatchObject({
      source: "network",
      networkCode: "ECONNREFUSED",
    });
    expect(imapFailure(new Error("Unexpected close"))).toMatchObject({ source: "imap", imapKind: "bye", message: "Unexpected close" });
  });

  it("POP3: a server reply or the network", () => {
    expect(popFailure(new Pop3Error("-ERR Authentication failure: unknown user name or bad password."))).toMatchObject({
      source: "pop",
      imapKind: "auth_failed",
    });
    expect(popFailure(new Pop3Error("-ERR Command is not valid in this state."))).toMatchObject({ source: "pop", imapKind: "other" });
    expect(popFailure(Object.assign(new Error("POP3 timed out"), { code: "ETIMEDOUT" }))).toMatchObject({
      source: "network",
      networkCode: "ETIMEDOUT",
    });
  });

  it("SMTP: the reply's codes, or the network", () => {
    expect(
      smtpFailure(
        Object.assign(new Error("Invalid login"), {
          response: "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.",
        }),
      ),
    ).toMatchObject({ source: "smtp", smtpCode: 535, enhancedCode: "5.7.139" });
    expect(smtpFailure(Object.assign(new Error("Greeting never received"), { code: "ETIMEDOUT" }))).toMatchObject({
      source: "network",
      networkCode: "ETIMEDOUT",
    });
  });

  it("Graph: the status and error code, or the network", () => {
    expect(graphFailure({ statusCode: 404, code: "ErrorItemNotFound", message: "Not found" })).toMatchObject({
      source: "graph",
      status: 404,
      graphCode: "ErrorItemNotFound",
    });
    expect(graphFailure(Object.assign(new Error("fetch failed"), { cause: { code: "ENOTFOUND" } }))).toMatchObject({
      source: "network",
      networkCode: "ENOTFOUND",
    });
  });
});
