import { describe, expect, it } from "vitest";
import { composeMime, withoutBcc, ZOutboundInput } from "./compose";

const mb = { address: "helpdesk@contoso.com", replyTo: "support@contoso.com", signature: "Contoso Helpdesk\n+1 555 0100" };

describe("composeMime", () => {
  it("writes From, Reply-To, threading headers, a fixed Message-ID and the signature", async () => {
    const input = ZOutboundInput.parse({
      to: ["A@Example.com"],
      bcc: ["hidden@example.com"],
      subject: "Re: printer",
      text: "Fixed.",
      inReplyTo: "<abc@example.com>",
      references: ["<abc@example.com>"],
    });
    const { raw, messageId, recipients } = await composeMime(mb, input);
    const s = raw.toString();
    expect(recipients).toEqual(["a@example.com", "hidden@example.com"]);
    expect(messageId).toMatch(/^<[0-9a-f-]{36}@contoso\.com>$/);
    expect(s).toContain(`Message-ID: ${messageId}`);
    expect(s).toMatch(/^From: helpdesk@contoso\.com$/m);
    expect(s).toMatch(/^Reply-To: support@contoso\.com$/m);
    expect(s).toMatch(/^In-Reply-To: <abc@example\.com>$/m);
    expect(s).toMatch(/^Bcc: hidden@example\.com$/m);
    expect(s).toMatch(/Fixed\.\r?\n\r?\n-- \r?\nContoso Helpdesk/);
    const stripped = withoutBcc(raw).toString();
    expect(stripped).not.toMatch(/^Bcc:/im);
    expect(stripped).toContain(`Message-ID: ${messageId}`);
  });

  it("without a signature when asked, and an explicit Reply-To wins", async () => {
    const { raw } = await composeMime(
      mb,
      ZOutboundInput.parse({ to: ["a@example.com"], subject: "x", html: "<p>Hi</p>", signature: false, replyTo: "other@contoso.com" }),
    );
    const s = raw.toString();
    expect(s).not.toContain("Contoso Helpdesk");
    expect(s).toMatch(/^Reply-To: other@contoso\.com$/m);
  });

  it("attaches files (and inline images by Content-ID) up to 3 MB in all", async () => {
    const pdf = Buffer.from("%PDF-1.4 fake");
    const { raw } = await composeMime(
      mb,
      ZOutboundInput.parse({
        to: ["a@example.com"],
        subject: "Invoice",
        html: '<p>See <img src="cid:logo@x"></p>',
        attachments: [
          { filename: "invoice 42.pdf", contentType: "application/pdf", contentBase64: pdf.toString("base64") },
          { filename: "logo.png", contentType: "image/png", contentBase64: Buffer.from("png").toString("base64"), contentId: "logo@x" },
        ],
      }),
    );
    const s = raw.toString();
    expect(s).toMatch(/Content-Type: application\/pdf; name="invoice 42\.pdf"/);
    expect(s).toContain(pdf.toString("base64"));
    expect(s).toMatch(/Content-ID: <logo@x>/);
    const big = Buffer.alloc(2 * 1024 * 1024).toString("base64");
    const tooMuch = ZOutboundInput.safeParse({
      to: ["a@b.com"],
      text: "x",
      attachments: [
        { filename: "a.bin", contentBase64: big },
        { filename: "b.bin", contentBase64: big },
      ],
    });
    expect(tooMuch.error?.issues[0].message).toBe("Attachments may total at most 3 MB.");
    expect(
      ZOutboundInput.safeParse({ to: ["a@b.com"], text: "x", attachments: [{ filename: "../etc/passwd", contentBase64: "" }] }).success,
    ).toBe(false);
    expect(
      ZOutboundInput.safeParse({ to: ["a@b.com"], text: "x", attachments: [{ filename: "a.txt", contentBase64: "not base64!" }] }).success,
    ).toBe(false);
  });

  it("refuses bad input with field messages", () => {
    expect(ZOutboundInput.safeParse({ to: [], subject: "x", text: "y" }).success).toBe(false);
    expect(ZOutboundInput.safeParse({ to: ["not-an-address"], text: "y" }).success).toBe(false);
    expect(ZOutboundInput.safeParse({ to: ["a@b.com"] }).error?.issues[0].message).toBe("Give a text or an html body.");
    expect(ZOutboundInput.safeParse({ to: ["a@b.com"], text: "y", inReplyTo: "no-brackets" }).success).toBe(false);
    expect(ZOutboundInput.safeParse({ to: ["a@b.com"], text: "y", from: "spoof@evil.com" }).success).toBe(false);
  });
});
