// The sign-in name: a user mailbox's UPN when it differs from the address; never on a shared mailbox.
import { describe, expect, it } from "vitest";
import { ZMailboxCreate, ZMailboxUpdate } from "./schemas";

const base = {
  address: "jane.doe@contoso.com",
  kind: "user",
  appRegistrationId: "3f1c2a4e-6b7d-4c8e-9f10-aa11bb22cc00",
  inbound: "imap",
  outbound: "smtp",
};

describe("mailbox sign-in name", () => {
  it("is an optional, lower-cased address-shaped name on user mailboxes", () => {
    expect(ZMailboxCreate.parse({ ...base, signInName: " JDoe@Contoso.com " }).signInName).toBe("jdoe@contoso.com");
    expect(ZMailboxCreate.parse(base).signInName).toBeUndefined();
    expect(ZMailboxCreate.safeParse({ ...base, signInName: "not a name" }).success).toBe(false);
    // A PATCH of the sign-in name alone changes nothing else (no defaults on update).
    expect(ZMailboxUpdate.parse({ signInName: null })).toEqual({ signInName: null });
  });
  it("is refused on a shared mailbox, whose delegate signs in", () => {
    const r = ZMailboxCreate.safeParse({ ...base, kind: "shared", delegateUpn: "it@contoso.com", signInName: "x@contoso.com" });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["signInName"]);
  });
});
