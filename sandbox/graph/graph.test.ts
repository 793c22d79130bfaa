// @microsoft/microsoft-graph-client against the sandbox Graph mail API: messages, delta,
// sendMail, subscriptions with a real webhook, throttling and Graph's error shapes.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailSandbox, type MailSandbox } from "../../testing/start-mail-sandbox";
import { sandboxGraphClient } from "./testing/graph-test-client";

const ALICE = "alice@contoso.onmicrosoft.com";
const BOB = "bob@contoso.onmicrosoft.com";
const SUPPORT = "support@contoso.onmicrosoft.com";
const GRAPH = "https://graph.microsoft.com";

let sb: MailSandbox;
const graphAs = (mint: Parameters<MailSandbox["ctx"]["mint"]>[0]) =>
  sandboxGraphClient(sb.graphBase, sb.ctx.tls.ca, () => sb.ctx.mint({ aud: GRAPH, ...mint }));
type GErr = { statusCode: number; code: string; message: string; headers?: Headers; body?: string };
const fail = (p: Promise<unknown>) =>
  p.then(
    () => undefined as unknown as GErr,
    (e: GErr) => e,
  );

beforeAll(async () => {
  sb = await startMailSandbox();
  await sb.admin("POST", `/admin/mail/mailboxes/${ALICE}/messages`, {
    generate: { count: 25, size: 1500, attachmentRatio: 0.3, unreadRatio: 0.4, seed: 11 },
  });
  await sb.admin("POST", `/admin/mail/mailboxes/${SUPPORT}/messages`, { generate: { count: 4, size: 800, seed: 12 } });
});
afterAll(async () => {
  await sb.stop();
});

describe("Graph messages", () => {
  it("reads /me, folders, pages of messages with $select/$filter/$orderby and MIME", async () => {
    const c = graphAs({ upn: ALICE, scopes: ["Mail.ReadWrite", "User.Read"] });
    const me = await c.api("/me").get();
    expect(me).toMatchObject({ userPrincipalName: ALICE, mail: ALICE });
    const folders = await c.api("/me/mailFolders").get();
    expect(folders.value.map((f: { displayName: string }) => f.displayName)).toEqual(
      expect.arrayContaining(["Inbox", "Sent Items", "Deleted Items", "Archive"]),
    );
    const inbox = folders.value.find((f: { displayName: string }) => f.displayName === "Inbox");
    expect(inbox.totalItemCount).toBe(25);

    const page1 = await c.api("/me/mailFolders/inbox/messages").select("subject,from,receivedDateTime,isRead").top(10).get();
    expect(page1.value).toHaveLength(10);
    expect(Object.keys(page1.value[0]).sort()).toEqual(["@odata.etag", "from", "id", "isRead", "receivedDateTime", "subject"]);
    expect(page1.value[0].from.emailAddress.address).toMatch(/@/);
    const dates = page1.value.map((m: { receivedDateTime: string }) => Date.parse(m.receivedDateTime));
    expect([...dates].sort((a, b) => b - a)).toEqual(dates);
    const page2 = await c.api(page1["@odata.nextLink"]).get();
    expect(page2.value).toHaveLength(10);
    expect(page2.value[0].id).not.toBe(page1.value[0].id);

    const cut = new Date(Date.now() - 15 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
    const recent = await c
      .api(`/users/${ALICE}/mailFolders/${inbox.id}/messages`)
      .filter(`receivedDateTime ge ${cut} and isRead eq false`)
      .orderby("receivedDateTime asc")
      .top(50)
      .get();
    for (const m of recent.value) {
      expect(m.isRead).toBe(false);
      expect(Date.parse(m.receivedDateTime)).toBeGreaterThanOrEqual(Date.parse(cut));
    }

    const full = await c.api(`/me/messages/${page1.value[0].id}`).get();
    expect(full).toMatchObject({ id: page1.value[0].id, parentFolderId: inbox.id, body: { contentType: "text" } });
    for (const k of [
      "internetMessageId",
      "bodyPreview",
      "conversationId",
      "sentDateTime",
      "toRecipients",
      "sender",
      "hasAttachments",
      "@odata.etag",
    ])
      expect(full).toHaveProperty(k);
    const mime = await c
      .api(`/me/messages/${page1.value[0].id}/$value`)
      .responseType("text" as never)
      .get();
    expect(String(mime)).toMatch(/^From: /m);
  });

  it("marks read, moves (new id), deletes", async () => {
    const c = graphAs({ upn: ALICE, scopes: ["Mail.ReadWrite"] });
    const [m1, m2] = (await c.api("/me/mailFolders/inbox/messages").top(2).get()).value;
    const patched = await c.api(`/me/messages/${m1.id}`).patch({ isRead: !m1.isRead });
    expect(patched.isRead).toBe(!m1.isRead);
    const moved = await c.api(`/me/messages/${m1.id}/move`).post({ destinationId: "archive" });
    expect(moved.id).not.toBe(m1.id);
    expect((await fail(c.api(`/me/messages/${m1.id}`).get())).code).toBe("ErrorItemNotFound");
    await c.api(`/me/messages/${m2.id}`).delete();
    expect((await c.api("/me/mailFolders/deleteditems").get()).totalItemCount).toBe(1);
  });

  it("answers Graph's errors in Graph's shape", async () => {
    const outlookToken = graphAs({ upn: ALICE, scopes: ["Mail.Read"], aud: "https://outlook.office.com" });
    const e1 = await fail(outlookToken.api("/me/messages").get());
    expect(e1).toMatchObject({
      statusCode: 401,
      code: "InvalidAuthenticationToken",
      message: "Access token validation failure. Invalid audience.",
    });
    expect(e1.headers?.get("www-authenticate")).toContain('client_id="00000003-0000-0000-c000-000000000000"');
    expect(e1.headers?.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
    // The SDK keeps the parsed error body (as a string or object, depending on the path).
    const parsed = typeof e1.body === "string" ? JSON.parse(e1.body) : (e1.body as unknown as Record<string, unknown>);
    const inner = ((parsed as { error?: { innerError?: object } }).error?.innerError ??
      (parsed as { innerError?: object }).innerError) as object;
    expect(Object.keys(inner).sort()).toEqual(["client-request-id", "date", "request-id"]);
    // Graph's innerError.date is UTC to the second with no trailing Z.
    expect((inner as { date: string }).date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect((inner as Record<string, string>)["request-id"]).toBe(e1.headers?.get("request-id"));

    const expired = await fail(
      graphAs({ upn: ALICE, scopes: ["Mail.Read"], expiresInSec: -60 })
        .api("/me/messages")
        .get(),
    );
    expect(expired).toMatchObject({ statusCode: 401, message: "Access token has expired or is not yet valid." });
    const noScope = await fail(
      graphAs({ upn: ALICE, scopes: ["User.Read"] })
        .api("/me/messages")
        .get(),
    );
    expect(noScope).toMatchObject({ statusCode: 403, code: "ErrorAccessDenied" });
    const bob = graphAs({ upn: BOB, scopes: ["Mail.Read", "Mail.Read.Shared"] });
    expect(await fail(bob.api(`/users/${ALICE}/messages`).get())).toMatchObject({ statusCode: 403, code: "ErrorAccessDenied" });
    expect(await fail(bob.api(`/users/${SUPPORT}/messages`).get())).toMatchObject({ statusCode: 403, code: "ErrorAccessDenied" });
    expect(
      await fail(
        graphAs({ upn: "carol@contoso.onmicrosoft.com", scopes: ["Mail.Read"] })
          .api("/me/messages")
          .get(),
      ),
    ).toMatchObject({ statusCode: 404, code: "MailboxNotEnabledForRESTAPI" });
    expect(await fail(bob.api("/users/nobody@contoso.onmicrosoft.com/messages").get())).toMatchObject({
      statusCode: 404,
      code: "ErrorInvalidUser",
    });
    expect(await fail(bob.api("/me/messages/AAMkADnothere").get())).toMatchObject({ statusCode: 404, code: "ErrorItemNotFound" });
    expect(await fail(bob.api("/me/mesages").get())).toMatchObject({
      statusCode: 400,
      code: "BadRequest",
      message: "Resource not found for the segment 'mesages'.",
    });
    const app = graphAs({ roles: ["Mail.Read"] });
    expect(await fail(app.api("/me/messages").get())).toMatchObject({
      statusCode: 400,
      code: "BadRequest",
      message: "/me request is only valid with delegated authentication flow.",
    });
    expect((await app.api(`/users/${ALICE}/messages`).top(1).get()).value).toHaveLength(1);
    expect(
      await fail(
        graphAs({ roles: ["User.Read.All"] })
          .api(`/users/${ALICE}/messages`)
          .get(),
      ),
    ).toMatchObject({ statusCode: 403 });
  });

  it("reads a shared mailbox with FullAccess and Mail.Read.Shared", async () => {
    const c = graphAs({ upn: ALICE, scopes: ["Mail.Read.Shared"] });
    expect((await c.api(`/users/${SUPPORT}/mailFolders/inbox/messages`).get()).value).toHaveLength(4);
    expect(
      await fail(
        graphAs({ upn: ALICE, scopes: ["Mail.Read"] })
          .api(`/users/${SUPPORT}/messages`)
          .get(),
      ),
    ).toMatchObject({ statusCode: 403 });
  });
});

describe("Graph user profile", () => {
  it("needs User.Read for /me, User.ReadBasic.All or wider for others, User.Read.All app-only; else 403 Authorization_RequestDenied", async () => {
    const denied = { statusCode: 403, code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." };
    const mailOnly = graphAs({ upn: ALICE, scopes: ["Mail.ReadWrite", "Mail.Send"] });
    expect(await fail(mailOnly.api("/me").get())).toMatchObject(denied);
    expect(await fail(mailOnly.api(`/users/${ALICE}`).get())).toMatchObject(denied);
    // Mail still works with the same token.
    expect((await mailOnly.api("/me/mailFolders/inbox").get()).displayName).toBe("Inbox");

    const userRead = graphAs({ upn: ALICE, scopes: ["User.Read"] });
    const me = await userRead.api("/me").get();
    expect(me).toMatchObject({ userPrincipalName: ALICE });
    expect((await userRead.api(`/users/${me.id}`).get()).userPrincipalName).toBe(ALICE);
    expect((await userRead.api(`/users/${ALICE}`).get()).id).toBe(me.id);
    expect(await fail(userRead.api(`/users/${BOB}`).get())).toMatchObject(denied);
    expect(await fail(userRead.api(`/users/${SUPPORT}`).get())).toMatchObject(denied);
    expect(
      (
        await graphAs({ upn: ALICE, scopes: ["User.ReadBasic.All"] })
          .api(`/users/${BOB}`)
          .get()
      ).userPrincipalName,
    ).toBe(BOB);

    const appMail = graphAs({ roles: ["Mail.ReadWrite", "Mail.Send"] });
    expect(await fail(appMail.api(`/users/${ALICE}`).get())).toMatchObject(denied);
    expect(await fail(appMail.api("/users/nobody@contoso.onmicrosoft.com").get())).toMatchObject(denied);
    const appUsers = graphAs({ roles: ["User.Read.All"] });
    expect((await appUsers.api(`/users/${ALICE}`).get()).userPrincipalName).toBe(ALICE);
    expect(await fail(appUsers.api("/me").get())).toMatchObject({ statusCode: 400, code: "BadRequest" });
    expect(await fail(appUsers.api("/users/nobody@contoso.onmicrosoft.com").get())).toMatchObject({
      statusCode: 404,
      code: "Request_ResourceNotFound",
      message: "Resource 'nobody@contoso.onmicrosoft.com' does not exist or one of its queried reference-property objects are not present.",
    });
  });
});

describe("Graph delta", () => {
  it("pages an initial round in 3 pages, then returns only changes, and expires on demand", async () => {
    const c = graphAs({ upn: ALICE, scopes: ["Mail.ReadWrite"] });
    const folder = "/me/mailFolders/inbox/messages/delta";
    const total = (await c.api("/me/mailFolders/inbox").get()).totalItemCount;
    const size = Math.ceil(total / 3);
    const raw = await c
      .api(folder)
      .header("Prefer", `odata.maxpagesize=${size}`)
      .select("subject,isRead")
      .responseType("raw" as never)
      .get();
    expect(raw.headers.get("preference-applied")).toBe(`odata.maxpagesize=${size}`);
    let page = await raw.json();
    const ids = new Set<string>(page.value.map((m: { id: string }) => m.id));
    let pages = 1;
    while (page["@odata.nextLink"]) {
      expect(page["@odata.nextLink"]).toContain("$skiptoken=");
      page = await c.api(page["@odata.nextLink"]).header("Prefer", `odata.maxpagesize=${size}`).get();
      page.value.forEach((m: { id: string }) => ids.add(m.id));
      pages++;
    }
    expect(pages).toBe(3);
    expect(ids.size).toBe(total);
    const deltaLink: string = page["@odata.deltaLink"];
    expect(deltaLink).toContain("$deltatoken=");

    // Changes: one new message, one read-state change, one moved out.
    const [a, b] = (await c.api("/me/mailFolders/inbox/messages").top(2).get()).value;
    await sb.admin("POST", `/admin/mail/mailboxes/${ALICE}/messages`, { raw: `From: ${BOB}\r\nSubject: delta new\r\n\r\nnew\r\n` });
    await c.api(`/me/messages/${a.id}`).patch({ isRead: !a.isRead });
    await c.api(`/me/messages/${b.id}/move`).post({ destinationId: "archive" });
    const inc = await c.api(deltaLink).get();
    const removed = inc.value.filter((m: { "@removed"?: unknown }) => m["@removed"]);
    const changed = inc.value.filter((m: { "@removed"?: unknown }) => !m["@removed"]);
    expect(removed.map((m: { id: string }) => m.id)).toEqual([b.id]);
    expect(removed[0]["@removed"]).toEqual({ reason: "deleted" });
    expect(changed.map((m: { subject: string }) => m.subject)).toContain("delta new");
    expect(changed.map((m: { id: string }) => m.id)).toContain(a.id);
    expect(Object.keys(changed[0]).sort()).toEqual(["@odata.etag", "id", "isRead", "subject"]);
    const quiet = await c.api(inc["@odata.deltaLink"]).get();
    expect(quiet.value).toEqual([]);

    await sb.admin("POST", `/admin/mail/mailboxes/${ALICE}/invalidate-delta`);
    const gone = await fail(c.api(quiet["@odata.deltaLink"]).get());
    expect(gone).toMatchObject({ statusCode: 410, code: "SyncStateNotFound" });
    expect(gone.message).toMatch(/^The sync state generation is not found; generation=\d+;\[highest=\d+\]\.$/);
  });
});

describe("Graph delta options", () => {
  it("carries changeType and $filter receivedDateTime ge from the first request", async () => {
    const c = graphAs({ upn: ALICE, scopes: ["Mail.ReadWrite"] });
    const cut = new Date(Date.now() - 7 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
    let page = await c
      .api(`/me/mailFolders/inbox/messages/delta?changeType=created&$filter=receivedDateTime ge ${cut}`)
      .select("receivedDateTime")
      .get();
    const seen: string[] = [];
    for (;;) {
      for (const m of page.value) {
        expect(Date.parse(m.receivedDateTime)).toBeGreaterThanOrEqual(Date.parse(cut));
        seen.push(m.id);
      }
      if (!page["@odata.nextLink"]) break;
      page = await c.api(page["@odata.nextLink"]).get();
    }
    const all = (await c.api("/me/mailFolders/inbox/messages").filter(`receivedDateTime ge ${cut}`).top(1000).get()).value;
    expect(seen.length).toBe(all.length);
    const [first] = all;
    await c.api(`/me/messages/${first.id}`).patch({ isRead: !first.isRead }); // an update: not "created"
    await sb.admin("POST", `/admin/mail/mailboxes/${ALICE}/messages`, { raw: `From: ${BOB}\r\nSubject: created only\r\n\r\nx\r\n` });
    const inc = await c.api(page["@odata.deltaLink"]).get();
    expect(inc.value.map((m: { id: string }) => m.id)).not.toContain(first.id);
    expect(inc.value).toHaveLength(1);
  });
});

describe("Graph sendMail", () => {
  it("sends JSON and MIME messages, saves to Sent Items, and enforces SendAs", async () => {
    const c = graphAs({ upn: ALICE, scopes: ["Mail.Send", "Mail.Send.Shared", "Mail.Read"] });
    const r = await c
      .api("/me/sendMail")
      .responseType("raw" as never)
      .post({
        message: {
          subject: "json send",
          body: { contentType: "HTML", content: "<p>Hello <b>Bob</b></p>" },
          toRecipients: [{ emailAddress: { address: BOB, name: "Bob" } }],
          ccRecipients: [{ emailAddress: { address: "ext@example.com" } }],
        },
        saveToSentItems: true,
      });
    expect(r.status).toBe(202);
    const mime = Buffer.from(`From: ${ALICE}\r\nTo: ${BOB}\r\nSubject: mime send\r\n\r\nraw body\r\n`).toString("base64");
    const r2 = await c
      .api("/me/sendMail")
      .header("Content-Type", "text/plain")
      .responseType("raw" as never)
      .post(mime);
    expect(r2.status).toBe(202);
    const bad = await fail(c.api("/me/sendMail").header("Content-Type", "text/plain").post("not base64 !!!"));
    expect(bad).toMatchObject({
      statusCode: 400,
      code: "ErrorMimeContentInvalidBase64String",
      message: "Invalid base64 string for MIME content.",
    });

    const bobInbox = await graphAs({ upn: BOB, scopes: ["Mail.Read"] })
      .api("/me/mailFolders/inbox/messages")
      .select("subject,body")
      .get();
    const subjects = bobInbox.value.map((m: { subject: string }) => m.subject);
    expect(subjects).toEqual(expect.arrayContaining(["json send", "mime send"]));
    expect(bobInbox.value.find((m: { subject: string }) => m.subject === "json send").body.contentType).toBe("html");
    const asText = await graphAs({ upn: BOB, scopes: ["Mail.Read"] })
      .api("/me/mailFolders/inbox/messages")
      .header("Prefer", 'outlook.body-content-type="text"')
      .select("subject,body")
      .get();
    expect(asText.value.find((m: { subject: string }) => m.subject === "json send").body).toEqual({
      contentType: "text",
      content: "Hello Bob",
    });
    const sent = await c.api("/me/mailFolders/sentitems/messages").get();
    expect(sent.value.length).toBe(2);

    await c.api(`/users/${SUPPORT}/sendMail`).post({
      message: { subject: "as support", body: { contentType: "Text", content: "x" }, toRecipients: [{ emailAddress: { address: BOB } }] },
    });
    const denied = await fail(
      graphAs({ upn: BOB, scopes: ["Mail.Send", "Mail.Send.Shared"] })
        .api(`/users/${SUPPORT}/sendMail`)
        .post({ message: { subject: "nope", toRecipients: [{ emailAddress: { address: ALICE } }] } }),
    );
    expect(denied.statusCode).toBe(403);
  });
});

describe("Graph subscriptions", () => {
  it("validates the notification URL, notifies on new mail with clientState, renews, sends lifecycle events, deletes", async () => {
    const received: { path: string; body: string }[] = [];
    let refuse = false;
    const hook = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (ch) => chunks.push(ch));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://localhost");
        const token = url.searchParams.get("validationToken");
        if (token !== null) {
          if (refuse) return res.writeHead(403).end();
          res.writeHead(200, { "Content-Type": "text/plain" }).end(token);
          return;
        }
        received.push({ path: url.pathname, body: Buffer.concat(chunks).toString() });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", () => r()));
    const base = `http://localhost:${(hook.address() as AddressInfo).port}`;
    try {
      const c = graphAs({ upn: ALICE, scopes: ["Mail.Read"] });
      const expiration = new Date(Date.now() + 60 * 60_000).toISOString();
      const tooLong = await fail(
        c.api("/subscriptions").post({
          changeType: "created",
          notificationUrl: `${base}/notify`,
          resource: "/me/mailFolders('inbox')/messages",
          expirationDateTime: new Date(Date.now() + 5000 * 60_000).toISOString(),
        }),
      );
      expect(tooLong).toMatchObject({
        statusCode: 400,
        code: "ExtensionError",
        message: "Subscription expiration can only be 4230 minutes in the future.",
      });

      refuse = true;
      const refused = await fail(
        c.api("/subscriptions").post({
          changeType: "created",
          notificationUrl: `${base}/notify`,
          resource: "/me/mailFolders('inbox')/messages",
          expirationDateTime: expiration,
        }),
      );
      expect(refused).toMatchObject({ statusCode: 400, code: "ValidationError" });
      expect(refused.message).toMatch(
        /HTTP status code is 'Forbidden'\. Notification endpoint must respond with 200 OK to validation request\./,
      );
      refuse = false;

      const sub = await c.api("/subscriptions").post({
        changeType: "created,updated",
        notificationUrl: `${base}/notify`,
        lifecycleNotificationUrl: `${base}/lifecycle`,
        resource: "/me/mailFolders('inbox')/messages",
        expirationDateTime: expiration,
        clientState: "s3cret",
      });
      expect(sub).toMatchObject({ resource: "/me/mailFolders('inbox')/messages", clientState: "s3cret", changeType: "created,updated" });

      const t0 = Date.now();
      await sb.admin("POST", `/admin/mail/mailboxes/${ALICE}/messages`, { raw: `From: ${BOB}\r\nSubject: notify me\r\n\r\nx\r\n` });
      while (!received.some((r) => r.path === "/notify") && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 20));
      const note = JSON.parse(received.find((r) => r.path === "/notify")!.body).value[0];
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(note).toMatchObject({
        subscriptionId: sub.id,
        clientState: "s3cret",
        changeType: "created",
        resourceData: { "@odata.type": "#Microsoft.Graph.Message" },
      });
      const msg = await c.api(`/me/messages/${note.resourceData.id}`).get();
      expect(msg.subject).toBe("notify me");
      // The documented Outlook shape: resource in lower case, @odata.id in Pascal case, both
      // naming the mailbox {user id}@{tenant id}; a notification id and the tenant id.
      const aliceId = (
        await graphAs({ upn: ALICE, scopes: ["User.Read"] })
          .api("/me")
          .get()
      ).id;
      expect(note.tenantId).toMatch(/^[0-9a-f-]{36}$/);
      expect(note.resource).toBe(`users/${aliceId}@${note.tenantId}/messages/${msg.id}`);
      expect(note.resourceData["@odata.id"]).toBe(`Users/${aliceId}@${note.tenantId}/Messages/${msg.id}`);
      expect(note.resourceData["@odata.etag"]).toMatch(/^W\/"/);
      expect(note.id).toEqual(expect.any(String));
      expect(note.subscriptionExpirationDateTime).toBe(sub.expirationDateTime);

      const renewed = await c
        .api(`/subscriptions/${sub.id}`)
        .patch({ expirationDateTime: new Date(Date.now() + 4000 * 60_000).toISOString() });
      expect(Date.parse(renewed.expirationDateTime)).toBeGreaterThan(Date.parse(expiration));

      const life = await sb.admin<{ delivered: boolean }>("POST", `/admin/graph/subscriptions/${sub.id}/lifecycle`, {
        event: "reauthorizationRequired",
      });
      expect(life.body.delivered).toBe(true);
      const lifeNote = JSON.parse(received.find((r) => r.path === "/lifecycle")!.body).value[0];
      expect(lifeNote).toMatchObject({ subscriptionId: sub.id, lifecycleEvent: "reauthorizationRequired", clientState: "s3cret" });

      const del = await c
        .api(`/subscriptions/${sub.id}`)
        .responseType("raw" as never)
        .delete();
      expect(del.status).toBe(204);
    } finally {
      hook.close();
    }
  });
});

describe("Graph throttling", () => {
  it("answers 429 ApplicationThrottled over 4 concurrent requests and TooManyRequests over the window budget", async () => {
    const c = graphAs({ upn: ALICE, scopes: ["Mail.Read"] });
    await sb.admin("PUT", "/admin/graph/throttling", { latencyMs: 300, retryAfterSeconds: 7 });
    try {
      const results = await Promise.all(Array.from({ length: 6 }, () => fail(c.api("/me/mailFolders/inbox/messages").top(1).get())));
      const throttled = results.filter((r) => r && r.statusCode === 429);
      expect(results.filter((r) => !r)).toHaveLength(4);
      expect(throttled).toHaveLength(2);
      expect(throttled[0]).toMatchObject({ code: "ApplicationThrottled", message: "Application is over its MailboxConcurrency limit." });
      expect(throttled[0].headers?.get("retry-after")).toBe("7");

      await sb.admin("PUT", "/admin/graph/throttling", { latencyMs: 0, requestsPerWindow: 3, windowSeconds: 60 });
      for (let i = 0; i < 3; i++) await c.api("/me/mailFolders/inbox/messages").top(1).get();
      const over = await fail(c.api("/me/mailFolders/inbox/messages").top(1).get());
      expect(over).toMatchObject({ statusCode: 429, code: "TooManyRequests", message: "Please retry again later." });
      expect(Number(over.headers?.get("retry-after"))).toBeGreaterThan(0);
      // The documented 429 body: innerError carries code/message/status besides date and ids.
      const body = typeof over.body === "string" ? JSON.parse(over.body) : (over.body as unknown as Record<string, unknown>);
      const inner = ((body as { error?: { innerError?: object } }).error?.innerError ??
        (body as { innerError?: object }).innerError) as Record<string, string>;
      expect(inner).toMatchObject({ code: "429", message: "Please retry after", status: "429" });
      expect(inner.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    } finally {
      await sb.admin("PUT", "/admin/graph/throttling", {
        latencyMs: 0,
        requestsPerWindow: 10_000,
        windowSeconds: 600,
        concurrency: 4,
        retryAfterSeconds: 10,
      });
    }
  });
});
