// Integration (real PostgreSQL): bulk onboarding from CSV. A dry run of 3 tenants and 30 mailboxes
// with 2 bad rows names each problem by line and column and creates nothing; the fixed file is
// created in one go (secrets sealed, audited) and a re-run finds everything existing; a
// tenant-limited admin imports only into its own tenant and can't add tenants (a tenant outside its
// scope reads like a missing one); consent links are made for every mailbox that needs one.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import type { TScope } from "../auth/session";
import { auditActor } from "../audit/write-audit";
import { resolveConsentLink } from "../consent/consent-links";
import { bulkConsentLinks } from "./bulk-consent";
import { dryRunImport, runImport } from "./import";

const HEADER = "tenant,domain,directory_id,cloud,app,client_id,client_secret,secret_expires,profile,mailbox,kind,delegate,inbound,outbound";
const expires = new Date(Date.now() + 300 * 86_400_000).toISOString().slice(0, 10);

async function workspace(role: TScope["role"] = "owner") {
  const ws = await db().workspace.create({ data: { name: "Import", slug: `imp-${randomUUID()}` } });
  const scope: TScope = {
    staffUserId: randomUUID(),
    email: "owner@msp.test",
    name: "Owner",
    workspaceId: ws.id,
    workspaceName: "Import",
    role,
    hasAllTenants: true,
    tenantIds: [],
  };
  return scope;
}

function bigCsv(bad: boolean) {
  const lines = [HEADER];
  const tenants = ["Northwind", "Tailspin", "Wingtip"].map((n) => ({ n, dir: randomUUID(), client: randomUUID() }));
  let i = 0;
  for (const t of tenants)
    for (let k = 0; k < 10; k++) {
      i++;
      const dom = `${t.n.toLowerCase()}.example.com`;
      const shared = k % 3 === 0;
      lines.push(
        [
          t.n,
          dom,
          t.dir,
          "global",
          `${t.n} mail`,
          t.client,
          `secret-${t.n}-value`,
          expires,
          "imap_smtp",
          // Bad row 1: not an address. Bad row 2: a shared mailbox without its delegate.
          bad && i === 5 ? "not-an-address" : `box${k}@${dom}`,
          shared ? "shared" : "user",
          shared && !(bad && i === 24) ? `it.admin@${dom}` : "",
          "imap",
          "smtp",
        ].join(","),
      );
    }
  return lines.join("\r\n") + "\r\n";
}

describe("bulk onboarding", { timeout: 60_000 }, () => {
  it("dry run of 3 tenants and 30 mailboxes reports the 2 bad rows by line and column and writes nothing", async () => {
    const scope = await workspace();
    const plan = await dryRunImport(scope, bigCsv(true));
    expect(plan.rows).toBe(30);
    expect(plan.problems).toEqual([
      { line: 6, column: "mailbox", message: expect.stringMatching(/mailbox address/) },
      { line: 25, column: "delegate", message: expect.stringMatching(/delegate/) },
    ]);
    expect(plan.tenants.map((t) => t.action)).toEqual(["create", "create", "create"]);
    expect(plan.mailboxes).toHaveLength(28);
    const r = await runImport(scope, auditActor(scope), bigCsv(true));
    expect(r.created).toBe(false);
    expect(await db().tenant.count({ where: { workspaceId: scope.workspaceId } })).toBe(0);
  });

  it("creates the fixed file in one go, sealed and audited; a re-run finds everything existing; links for all", async () => {
    const scope = await workspace();
    const csv = bigCsv(false);
    const r = await runImport(scope, auditActor(scope), csv);
    expect(r).toMatchObject({ created: true, counts: { tenants: 3, apps: 3, mailboxes: 30, rows: 30 } });
    const secrets = await db().appSecret.findMany({ where: { workspaceId: scope.workspaceId }, select: { sealedValue: true } });
    expect(secrets).toHaveLength(3);
    for (const s of secrets) expect(s.sealedValue).not.toContain("secret-");
    const shared = await db().mailbox.findFirstOrThrow({ where: { workspaceId: scope.workspaceId, address: "box3@tailspin.example.com" } });
    expect(shared).toMatchObject({ kind: "shared", delegateUpn: "it.admin@tailspin.example.com", state: "pending_consent" });
    const audit = await db().auditEntry.groupBy({ by: ["action"], where: { workspaceId: scope.workspaceId }, _count: true });
    expect(Object.fromEntries(audit.map((a) => [a.action, a._count]))).toEqual({
      "tenant.create": 3,
      "app.create": 3,
      "mailbox.create": 30,
      "onboarding.import": 1,
    });

    // The same file again: nothing new (the client IDs and directory IDs match).
    const again = await dryRunImport(scope, csv);
    expect(again.problems).toEqual([]);
    expect(new Set([...again.tenants, ...again.apps, ...again.mailboxes].map((x) => x.action))).toEqual(new Set(["existing"]));

    await expect(bulkConsentLinks(scope, { tenantIds: r.tenantIds, send: true })).rejects.toMatchObject({ status: 400 });
    // Another workspace's tenant (the scope sees all of its own) is a 404.
    const elsewhere = await workspace();
    await expect(bulkConsentLinks(elsewhere, { tenantIds: [r.tenantIds[0]] })).rejects.toMatchObject({ status: 404 });
    // With a notifier mailbox, the links go through its outbound queue (the staff-alert mail path).
    const [t0] = r.tenantIds;
    const notifier = await db().mailbox.create({
      data: { workspaceId: scope.workspaceId, tenantId: t0, address: "notify@msp.example.com", state: "connected", inbound: "none" },
    });
    await db().workspace.update({ where: { id: scope.workspaceId }, data: { notifierMailboxId: notifier.id } });
    const sent = await bulkConsentLinks(scope, { tenantIds: [r.tenantIds[2]], send: true });
    expect(sent.links).toHaveLength(10);
    expect(sent.links.every((l) => l.emailed)).toBe(true);
    const queued = await db().outboundMessage.findMany({
      where: { mailboxId: notifier.id },
      select: { recipients: true, subject: true, status: true, createdVia: true, rawMime: true },
    });
    expect(queued).toHaveLength(10);
    expect(new Set(queued.map((q) => q.status))).toEqual(new Set(["queued"]));
    expect(new Set(queued.map((q) => q.createdVia))).toEqual(new Set(["consent_link:bulk"]));
    const toShared = queued.find((q) => q.recipients.includes("it.admin@wingtip.example.com"))!;
    expect(toShared.subject).toBe("Action needed: connect box0@wingtip.example.com");
    expect(Buffer.from(toShared.rawMime).toString("utf8")).toContain("/consent/cu_");
    const links = await bulkConsentLinks(scope, { tenantIds: r.tenantIds, days: 5 });
    expect(links.links).toHaveLength(30);
    const sharedLink = links.links.find((l) => l.address === "box3@tailspin.example.com")!;
    expect(sharedLink.signInAs).toBe("it.admin@tailspin.example.com");
    expect((await resolveConsentLink(sharedLink.url.split("/consent/")[1])).state).toBe("ok");
    // Re-consent again: new links, the earlier ones revoked.
    const second = await bulkConsentLinks(scope, { tenantIds: [r.tenantIds[0]] });
    expect(second.links).toHaveLength(10);
    const firstOfTenant = links.links.find((l) => l.mailboxId === second.links[0].mailboxId)!;
    expect((await resolveConsentLink(firstOfTenant.url.split("/consent/")[1])).state).toBe("revoked");
  });

  it("a tenant-limited admin imports into its own tenant only and can't add tenants", async () => {
    const owner = await workspace();
    const made = await runImport(
      owner,
      auditActor(owner),
      [
        HEADER,
        `Own,own.example.com,,global,Own app,${randomUUID()},s3cret-own,${expires},imap_smtp,,,,,`,
        `Other,other.example.com,,global,,,,,,,,,,`,
      ].join("\n"),
    );
    expect(made.created).toBe(true);
    const own = await db().tenant.findFirstOrThrow({ where: { workspaceId: owner.workspaceId, displayName: "Own" } });
    const ownApp = await db().appRegistration.findFirstOrThrow({ where: { tenantId: own.id } });
    const limited: TScope = { ...owner, role: "admin", hasAllTenants: false, tenantIds: [own.id] };
    const csv = [
      HEADER,
      `Own,,,,,${ownApp.clientId},,,,new@own.example.com,user,,imap,smtp`,
      `Other,,,,,${ownApp.clientId},,,,x@other.example.com,user,,imap,smtp`,
      `Brand new,new.example.com,,,,${randomUUID()},s,${expires},,y@new.example.com,user,,imap,smtp`,
    ].join("\n");
    const plan = await dryRunImport(limited, csv);
    expect(plan.problems.map((p) => [p.line, p.column])).toEqual([
      [3, "tenant"],
      [4, "tenant"],
    ]);
    // An existing tenant outside the scope gets the same words as one that doesn't exist.
    expect(plan.problems[0].message.replace("Other", "X")).toBe(plan.problems[1].message.replace("Brand new", "X"));
    expect((await runImport(limited, auditActor(limited), csv)).created).toBe(false);
    const ok = await runImport(
      limited,
      auditActor(limited),
      [HEADER, `Own,,,,,${ownApp.clientId},,,,new@own.example.com,user,,imap,smtp`].join("\n"),
    );
    expect(ok).toMatchObject({ created: true, counts: { tenants: 0, apps: 0, mailboxes: 1 } });
    await expect(
      bulkConsentLinks(limited, {
        tenantIds: [own.id, (await db().tenant.findFirstOrThrow({ where: { workspaceId: owner.workspaceId, displayName: "Other" } })).id],
      }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it("refuses malformed files with the line: bad quoting, unknown columns, wrong field counts, too many rows", async () => {
    const scope = await workspace();
    expect((await dryRunImport(scope, `${HEADER}\nA,"bad"quote,,,,,,,,,,,,\n`)).problems).toEqual([
      { line: 2, column: null, message: expect.any(String) },
    ]);
    expect((await dryRunImport(scope, "tenant,colour\nA,red\n")).problems).toEqual([
      { line: 1, column: "colour", message: expect.stringMatching(/Unknown column/) },
    ]);
    expect((await dryRunImport(scope, "tenant,domain\nA\n")).problems[0]).toMatchObject({ line: 2, column: null });
    const many = ["tenant", ...Array.from({ length: 2001 }, (_, i) => `T${i}`)].join("\n");
    expect((await dryRunImport(scope, many)).problems[0].message).toMatch(/More than 2000 rows/);
    const support: TScope = { ...scope, role: "support" };
    await expect(dryRunImport(support, `${HEADER}\n`)).rejects.toMatchObject({ status: 403 });
  });
});
