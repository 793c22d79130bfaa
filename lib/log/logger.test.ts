// Unit: LOG_LEVEL filters, lines are JSON with the ids, and nothing secret is written.
import { describe, expect, it } from "vitest";
import { createLogger, type TLogLevel } from "./logger";
import { resetEnvCache } from "../env";

const JWT = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ upn: "a@b.c", scp: "IMAP.AccessAsUser.All" })).toString("base64url")}.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU`;

function capture(level: TLogLevel) {
  const lines: { line: string; level: TLogLevel }[] = [];
  const logger = createLogger({}, { level: () => level, write: (line, l) => lines.push({ line, level: l }) });
  return { logger, lines, parsed: () => lines.map((l) => JSON.parse(l.line)) };
}

describe("logger", () => {
  it("writes only lines at or above the level", () => {
    const { logger, parsed } = capture("warn");
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    expect(parsed().map((l) => `${l.level}:${l.msg}`)).toEqual(["warn:w", "error:e"]);
    const all = capture("debug");
    all.logger.debug("d");
    expect(all.parsed()).toHaveLength(1);
  });

  it("reads LOG_LEVEL by default", () => {
    const before = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = "error";
    resetEnvCache();
    try {
      const lines: string[] = [];
      const logger = createLogger({}, { write: (l) => lines.push(l) });
      logger.info("hidden");
      logger.error("shown");
      expect(lines.map((l) => JSON.parse(l).msg)).toEqual(["shown"]);
    } finally {
      if (before === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = before;
      resetEnvCache();
    }
  });

  it("is one JSON line with level, time, msg and the workspace, tenant and mailbox", () => {
    const { logger, parsed } = capture("info");
    logger.child({ workspaceId: "w1", worker: "host:1" }).info("synced 3", { tenantId: "t1", mailboxId: "m1", stored: 3, none: undefined });
    const [l] = parsed();
    expect(l).toMatchObject({
      level: "info",
      msg: "synced 3",
      workspaceId: "w1",
      tenantId: "t1",
      mailboxId: "m1",
      worker: "host:1",
      stored: 3,
    });
    expect(new Date(l.time).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect("none" in l).toBe(false);
  });

  it("redacts a token in a logged error, its message and its fields", () => {
    const { logger, lines } = capture("debug");
    const err = Object.assign(new Error(`IMAP said: AUTHENTICATE XOAUTH2 failed for Bearer ${JWT}`), { code: "EAUTH" });
    logger.error(`refresh failed: access_token=${JWT}&refresh_token=0.ARrefresh-token-value-0123456789abcdefghijklmnop`, {
      mailboxId: "m1",
      err,
      accessToken: JWT,
      clientSecret: "cTz8Q~client.secret_value0123456789abcdefgh",
      response: { body: JSON.stringify({ access_token: JWT, token_type: "Bearer" }) },
    });
    const text = lines.map((l) => l.line).join("\n");
    expect(lines[0].level).toBe("error");
    expect(text).not.toContain(JWT);
    expect(text).not.toContain(JWT.split(".")[1]);
    expect(text).not.toContain("refresh-token-value");
    expect(text).not.toContain("client.secret_value");
    const l = JSON.parse(lines[0].line);
    expect(l.err).toMatchObject({ name: "Error", code: "EAUTH" });
    expect(l.err.message).toContain("IMAP said");
    expect(l.accessToken).toBe("[redacted]");
    expect(l.mailboxId).toBe("m1");
  });
});
