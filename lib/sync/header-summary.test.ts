import { describe, expect, it } from "vitest";
import addressparser from "nodemailer/lib/addressparser/index.js";
import { headerSummary, MAX_HEADER_BLOCK } from "./header-summary";

describe("header summary of a fetched MIME", () => {
  it("reads Message-ID, the sender's address and the decoded subject, folded lines included", () => {
    const raw = Buffer.from(
      [
        "Received: from a\r\n\tby b",
        "From: =?UTF-8?B?w4RybWluIE3DvGxsZXI=?=",
        " <armin@fabrikam.example>",
        "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus",
        "\tBerlin",
        "Message-ID: <abc@fabrikam.example>",
        "",
        "Subject: not a header (body)",
      ].join("\r\n"),
    );
    expect(headerSummary(raw)).toEqual({
      messageId: "<abc@fabrikam.example>",
      from: "armin@fabrikam.example",
      subject: "Grüße aus\tBerlin",
      testMailTag: null,
    });
  });

  it("takes the first mailbox of a group, the first of repeated headers, and stops at the blank line (LF-only too)", () => {
    const raw = Buffer.from("from: Team: a@x.example, b@x.example;\nSUBJECT: one\nSubject: two\n\nMessage-ID: <body@x>\n");
    expect(headerSummary(raw)).toEqual({ messageId: null, from: "a@x.example", subject: "one", testMailTag: null });
  });

  it("gives nulls for missing headers and reads no further than its limit", () => {
    expect(headerSummary(Buffer.from("X-Other: 1\r\n\r\n"))).toEqual({ messageId: null, from: null, subject: null, testMailTag: null });
    const huge = Buffer.concat([Buffer.from(`X-Pad: ${"a".repeat(MAX_HEADER_BLOCK)}\r\n`), Buffer.from("Subject: late\r\n\r\n")]);
    expect(headerSummary(huge).subject).toBeNull();
  });

  it("reads Consentry's test-mail tag in the same pass (the storer doesn't scan the MIME again), as the header section says it", () => {
    const raw = Buffer.from(
      "Subject: Test\r\nx-consentry-test:  abcdefghijkl.0123456789abcdefghijklmnopqrstuv \r\n\r\nX-Consentry-Test: body\r\n",
    );
    expect(headerSummary(raw).testMailTag).toBe("abcdefghijkl.0123456789abcdefghijklmnopqrstuv");
    expect(headerSummary(Buffer.from("Subject: x\r\n\r\nX-Consentry-Test: in-body\r\n")).testMailTag).toBeNull();
  });

  it("reads common From shapes without the full parser, and every shape as the address parser would", () => {
    const shapes = [
      "a@b.example",
      " Alice <alice@x.example> ",
      "Alice Smith <a.s+tag@x.example>",
      "<a@b.example>",
      "Team: a@x.example, b@x.example;",
      '"Doe, John" <j@x.example>',
      "a@b.example (comment)",
      "=?UTF-8?B?w4RybWlu?= <armin@f.example>",
      "Bob <bob@x.example>, Carol <c@x.example>",
      "Name <>",
    ];
    for (const f of shapes)
      expect(headerSummary(Buffer.from(`From: ${f}\r\n\r\n`)).from, f).toBe(
        addressparser(f, { flatten: true }).find((a) => a.address)?.address ?? null,
      );
  });
});
