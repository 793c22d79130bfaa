import "server-only";
// Bulk onboarding from CSV: tenants, their app registrations and mailboxes (with delegates), one
// row per mailbox (tenant and app columns repeat; a row without a mailbox adds only its tenant and
// app). A dry run parses and checks every row (zod per row, then the rules across rows and against
// what exists) and reports what would be created and every problem with its line, column and
// message; "create" re-runs the same plan and writes it in one transaction, audited, only when
// there is no problem. Scoped: a tenant-limited caller imports only into its own tenants and
// can't add tenants; an existing tenant outside the caller's scope reads like a missing one.
import { z } from "zod";
import { db } from "../db/client";
import { badRequest, forbidden } from "../core/errors";
import { tenantIdIn } from "../core/scope";
import type { TScope } from "../auth/session";
import { isWorkspaceWide } from "../auth/guard";
import { canConnectMailboxes, canManageTenants } from "../auth/permissions";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import { sealValue } from "../crypto";
import { ZCloud, DOMAIN_RE, GUID_RE } from "../tenants/schemas";
import { ZScopeProfile, ZSecretInput } from "../apps/schemas";
import { ZMailboxCreate } from "../mailboxes/schemas";
import { settingsEffect } from "../mailboxes/settings-effect";
import { resolveDirectoryId } from "../tenants/resolve-directory";
import { sandboxEnabled } from "../microsoft/trusted-microsoft-url";
import { parseCsv } from "./csv";

export const MAX_IMPORT_BYTES = 512 * 1024;
export const MAX_IMPORT_ROWS = 2000;

export const COLUMNS = [
  "tenant",
  "domain",
  "directory_id",
  "cloud",
  "app",
  "client_id",
  "client_secret",
  "secret_expires",
  "profile",
  "mailbox",
  "kind",
  "delegate",
  "inbound",
  "outbound",
  "folder",
] as const;
type TColumn = (typeof COLUMNS)[number];
const REQUIRED: TColumn[] = ["tenant"];

export type TProblem = { line: number; column: string | null; message: string };
type TRow = Record<TColumn, string> & { line: number };

const blank = (s: string) => s.trim() === "";
const ZRowTenant = z.object({
  tenant: z.string().trim().min(1, "Name the tenant.").max(120, "Keep the tenant name under 120 characters."),
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => v === "" || DOMAIN_RE.test(v), "Enter a domain like contoso.onmicrosoft.com."),
  directory_id: z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => v === "" || GUID_RE.test(v), "A directory (tenant) ID is a GUID."),
  cloud: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? "global" : v), ZCloud),
});
const ZRowApp = z.object({
  app: z.string().trim().max(120, "Keep the app name under 120 characters."),
  client_id: z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => v === "" || GUID_RE.test(v), "The Application (client) ID is a GUID from the app's Overview page."),
  profile: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? "imap_smtp" : v), ZScopeProfile),
});

type TPlanTenant = {
  key: string;
  name: string;
  existingId: string | null;
  domain: string | null;
  directoryId: string | null;
  cloud: z.infer<typeof ZCloud>;
  line: number;
};
type TPlanApp = {
  key: string;
  tenantKey: string;
  name: string;
  clientId: string;
  profile: string;
  existingId: string | null;
  multiTenant: boolean;
  secret: { value: string; expiresAt: Date } | null;
  line: number;
};
type TPlanMailbox = {
  tenantKey: string;
  appKey: string;
  address: string;
  kind: "user" | "shared";
  delegateUpn: string | null;
  inbound: "imap" | "pop" | "graph" | "none";
  outbound: "smtp" | "graph" | "none";
  folder: string;
  existing: boolean;
  line: number;
};

export type TImportPlan = {
  rows: number;
  tenants: { name: string; action: "create" | "existing"; line: number }[];
  apps: { tenant: string; name: string; clientId: string; action: "create" | "existing"; line: number }[];
  mailboxes: {
    tenant: string;
    address: string;
    kind: string;
    delegateUpn: string | null;
    inbound: string;
    outbound: string;
    action: "create" | "existing";
    line: number;
  }[];
  problems: TProblem[];
};

function readRows(csv: string, problems: TProblem[]): TRow[] {
  if (Buffer.byteLength(csv, "utf8") > MAX_IMPORT_BYTES)
    throw badRequest(`The file is larger than ${MAX_IMPORT_BYTES / 1024} KB: split it.`, { csv: "Too large." });
  const parsed = parseCsv(csv, { maxRecords: MAX_IMPORT_ROWS + 1 });
  if (!parsed.ok) {
    const tooMany = parsed.message.startsWith("More than");
    problems.push({
      line: parsed.line,
      column: null,
      message: tooMany ? `More than ${MAX_IMPORT_ROWS} rows: split the file.` : parsed.message,
    });
    return [];
  }
  const [head, ...body] = parsed.records;
  if (!head) {
    problems.push({ line: 1, column: null, message: `The file is empty: the first line names the columns (${COLUMNS.join(", ")}).` });
    return [];
  }
  const names = head.fields.map((f) => f.trim().toLowerCase());
  const unknown = names.filter((n) => !(COLUMNS as readonly string[]).includes(n));
  for (const n of unknown) problems.push({ line: head.line, column: n, message: `Unknown column "${n}". Columns: ${COLUMNS.join(", ")}.` });
  for (const n of REQUIRED) if (!names.includes(n)) problems.push({ line: head.line, column: n, message: `The column "${n}" is missing.` });
  const dup = names.filter((n, i) => names.indexOf(n) !== i);
  for (const n of new Set(dup)) problems.push({ line: head.line, column: n, message: `The column "${n}" appears twice.` });
  if (problems.length) return [];
  if (!body.length) problems.push({ line: head.line, column: null, message: "No rows below the header." });
  return body.map((r) => {
    const row = { line: r.line } as TRow;
    for (const c of COLUMNS) row[c] = "";
    if (r.fields.length !== names.length)
      problems.push({ line: r.line, column: null, message: `This row has ${r.fields.length} fields; the header has ${names.length}.` });
    names.forEach((n, i) => (row[n as TColumn] = (r.fields[i] ?? "").replace(/\0/g, "")));
    return row;
  });
}

const issueProblems = (line: number, err: z.ZodError, columnOf: (path: string) => string) =>
  err.issues.map((i) => ({ line, column: columnOf(String(i.path[0] ?? "")), message: i.message }));

const MAILBOX_COLUMN: Record<string, string> = {
  address: "mailbox",
  delegateUpn: "delegate",
  kind: "kind",
  inbound: "inbound",
  outbound: "outbound",
  folder: "folder",
  appRegistrationId: "client_id",
};

/** Works out the plan. Reads only within the caller's scope. */
async function plan(scope: TScope, csv: string) {
  const problems: TProblem[] = [];
  const rows = readRows(csv, problems);
  const tenants = new Map<string, TPlanTenant>();
  const apps = new Map<string, TPlanApp>();
  const mailboxes = new Map<string, TPlanMailbox>();
  const ws = scope.workspaceId;
  const visibleTenants = await db().tenant.findMany({
    where: { workspaceId: ws, id: tenantIdIn(scope) },
    select: { id: true, displayName: true, directoryId: true, primaryDomain: true, cloud: true },
  });
  const canAddTenants = isWorkspaceWide(scope) && canManageTenants(scope.role);
  const canAddApps = canManageTenants(scope.role);
  if (!canConnectMailboxes(scope.role))
    throw forbidden(scope.role === "support" ? "Support is read-only." : "Your role can't add mailboxes.");
  const mspApps = await db().appRegistration.findMany({
    where: { workspaceId: ws, tenantId: null },
    select: { id: true, clientId: true, displayName: true, scopeProfile: true },
  });

  for (const row of rows) {
    const t = ZRowTenant.safeParse(row);
    if (!t.success) {
      problems.push(...issueProblems(row.line, t.error, (p) => p));
      continue;
    }
    const tv = t.data;
    if (tv.cloud === "sandbox" && !sandboxEnabled()) {
      problems.push({ line: row.line, column: "cloud", message: "The Sandbox cloud is off on this server." });
      continue;
    }
    const tKey = tv.tenant.toLowerCase();
    let tenant = tenants.get(tKey);
    if (!tenant) {
      const existing =
        visibleTenants.find((x) => tv.directory_id && x.directoryId === tv.directory_id) ??
        visibleTenants.find((x) => tv.domain && x.primaryDomain === tv.domain) ??
        visibleTenants.find((x) => x.displayName.toLowerCase() === tKey);
      if (!existing) {
        if (!canAddTenants) {
          problems.push({
            line: row.line,
            column: "tenant",
            message: `"${tv.tenant}" isn't one of your tenants, and only an owner or admin who sees all tenants can add tenants.`,
          });
          continue;
        }
        if (!tv.directory_id && !tv.domain) {
          problems.push({ line: row.line, column: "domain", message: "A new tenant needs its domain or directory (tenant) ID." });
          continue;
        }
        const clash = visibleTenants.find((x) => tv.directory_id && x.directoryId === tv.directory_id);
        if (clash) {
          problems.push({ line: row.line, column: "directory_id", message: `This directory ID belongs to "${clash.displayName}".` });
          continue;
        }
      }
      tenant = {
        key: tKey,
        name: existing?.displayName ?? tv.tenant,
        existingId: existing?.id ?? null,
        domain: existing ? existing.primaryDomain : tv.domain || null,
        directoryId: existing ? existing.directoryId : tv.directory_id || null,
        cloud: existing ? existing.cloud : tv.cloud,
        line: row.line,
      };
      tenants.set(tKey, tenant);
    } else if (
      (tv.domain && tenant.domain && tv.domain !== tenant.domain) ||
      (tv.directory_id && tenant.directoryId && tv.directory_id !== tenant.directoryId)
    ) {
      problems.push({
        line: row.line,
        column: tv.domain !== tenant.domain ? "domain" : "directory_id",
        message: `Differs from line ${tenant.line} for the same tenant.`,
      });
      continue;
    }

    if (blank(row.client_id) && blank(row.mailbox)) continue;
    if (blank(row.client_id)) {
      problems.push({
        line: row.line,
        column: "client_id",
        message: "A mailbox needs the app registration it connects with (its client ID).",
      });
      continue;
    }
    const a = ZRowApp.safeParse(row);
    if (!a.success) {
      problems.push(...issueProblems(row.line, a.error, (p) => p));
      continue;
    }
    const av = a.data;
    const aKey = `${tKey}|${av.client_id}`;
    let app = apps.get(aKey);
    if (!app) {
      const msp = mspApps.find((x) => x.clientId === av.client_id);
      const own = tenant.existingId
        ? await db().appRegistration.findFirst({
            where: { workspaceId: ws, tenantId: tenant.existingId, clientId: av.client_id },
            select: { id: true, displayName: true, scopeProfile: true },
          })
        : null;
      const found = own ?? msp ?? null;
      let secret: TPlanApp["secret"] = null;
      if (!found) {
        if (!canAddApps) {
          problems.push({
            line: row.line,
            column: "client_id",
            message: "Your role can't register apps: use an app that is already registered.",
          });
          continue;
        }
        const s = ZSecretInput.safeParse({ value: row.client_secret, expiresAt: row.secret_expires || undefined });
        if (!s.success) {
          problems.push(...issueProblems(row.line, s.error, (p) => (p === "value" ? "client_secret" : "secret_expires")));
          continue;
        }
        secret = s.data;
      }
      app = {
        key: aKey,
        tenantKey: tKey,
        name: found?.displayName ?? (av.app || `${tenant.name} app`),
        clientId: av.client_id,
        profile: found?.scopeProfile ?? av.profile,
        existingId: found?.id ?? null,
        multiTenant: !!msp && !own,
        secret,
        line: row.line,
      };
      apps.set(aKey, app);
    }

    if (blank(row.mailbox)) continue;
    const kind = row.kind.trim().toLowerCase() || "user";
    const m = ZMailboxCreate.safeParse({
      address: row.mailbox,
      kind,
      delegateUpn: kind === "shared" ? row.delegate || null : null,
      appRegistrationId: "00000000-0000-4000-8000-000000000000",
      inbound: row.inbound.trim().toLowerCase() || "imap",
      outbound: row.outbound.trim().toLowerCase() || "smtp",
      folder: row.folder || "INBOX",
    });
    if (!m.success) {
      problems.push(...issueProblems(row.line, m.error, (p) => MAILBOX_COLUMN[p] ?? p));
      continue;
    }
    if (kind === "user" && !blank(row.delegate)) {
      problems.push({
        line: row.line,
        column: "delegate",
        message: "Only a shared mailbox has a delegate: set kind to shared or clear the delegate.",
      });
      continue;
    }
    const mv = m.data;
    const fit = settingsEffect(
      {
        ...mv,
        appRegistrationId: app.key,
        delegateUpn: mv.delegateUpn ?? null,
        afterProcessing: "keep",
        moveToFolder: null,
        state: "pending_consent",
        grantScopes: null,
      },
      {},
      [{ id: app.key, displayName: app.name, scopeProfile: app.profile }],
    );
    if (fit.problems.length) {
      problems.push({ line: row.line, column: "inbound", message: fit.problems[0] });
      continue;
    }
    const mKey = `${tKey}|${mv.address}`;
    const prior = mailboxes.get(mKey);
    if (prior) {
      problems.push({ line: row.line, column: "mailbox", message: `Already on line ${prior.line} for this tenant.` });
      continue;
    }
    const existing = tenant.existingId
      ? await db().mailbox.findFirst({ where: { workspaceId: ws, tenantId: tenant.existingId, address: mv.address }, select: { id: true } })
      : null;
    mailboxes.set(mKey, {
      tenantKey: tKey,
      appKey: aKey,
      address: mv.address,
      kind: mv.kind,
      delegateUpn: mv.delegateUpn ?? null,
      inbound: mv.inbound,
      outbound: mv.outbound,
      folder: mv.folder,
      existing: !!existing,
      line: row.line,
    });
  }
  problems.sort((a, b) => a.line - b.line);
  const view: TImportPlan = {
    rows: rows.length,
    tenants: [...tenants.values()].map((t) => ({ name: t.name, action: t.existingId ? "existing" : "create", line: t.line })),
    apps: [...apps.values()].map((a) => ({
      tenant: tenants.get(a.tenantKey)!.name,
      name: a.name,
      clientId: a.clientId,
      action: a.existingId ? "existing" : "create",
      line: a.line,
    })),
    mailboxes: [...mailboxes.values()].map((m) => ({
      tenant: tenants.get(m.tenantKey)!.name,
      address: m.address,
      kind: m.kind,
      delegateUpn: m.delegateUpn,
      inbound: m.inbound,
      outbound: m.outbound,
      action: m.existing ? "existing" : "create",
      line: m.line,
    })),
    problems,
  };
  return { view, tenants, apps, mailboxes };
}

export async function dryRunImport(scope: TScope, csv: string): Promise<TImportPlan> {
  return (await plan(scope, csv)).view;
}

/** Creates what the plan says, in one transaction; refused while any row has a problem. */
export async function runImport(scope: TScope, actor: TAuditActor, csv: string) {
  const p = await plan(scope, csv);
  if (p.view.problems.length) return { created: false as const, plan: p.view, tenantIds: [] as string[] };
  const ws = scope.workspaceId;
  // Directory IDs of new tenants known only by domain: resolved before the transaction (network).
  const warnings: string[] = [];
  for (const t of p.tenants.values())
    if (!t.existingId && !t.directoryId && t.domain) {
      const r = await resolveDirectoryId(t.cloud, t.domain);
      t.directoryId = r.directoryId;
      if (r.warning) warnings.push(`${t.name}: ${r.warning}`);
    }
  const ids = await db().$transaction(
    async (tx) => {
      const tenantIds = new Map<string, string>();
      for (const t of p.tenants.values()) {
        if (t.existingId) {
          tenantIds.set(t.key, t.existingId);
          continue;
        }
        const row = await tx.tenant.create({
          data: { workspaceId: ws, displayName: t.name, directoryId: t.directoryId, primaryDomain: t.domain, cloud: t.cloud },
          select: { id: true },
        });
        tenantIds.set(t.key, row.id);
        await writeAudit(tx, actor, {
          action: "tenant.create",
          targetType: "tenant",
          targetId: row.id,
          tenantId: row.id,
          detail: { displayName: t.name, cloud: t.cloud, via: "import" },
        });
      }
      const appIds = new Map<string, string>();
      for (const a of p.apps.values()) {
        if (a.existingId) {
          appIds.set(a.key, a.existingId);
          continue;
        }
        const tenantId = tenantIds.get(a.tenantKey)!;
        const secretId = crypto.randomUUID();
        const row = await tx.appRegistration.create({
          data: {
            workspaceId: ws,
            tenantId,
            displayName: a.name,
            clientId: a.clientId,
            kind: "single_tenant",
            scopeProfile: a.profile as z.infer<typeof ZScopeProfile>,
            secrets: {
              create: {
                id: secretId,
                workspaceId: ws,
                sealedValue: sealValue(a.secret!.value, "client_secret", { workspaceId: ws, rowId: secretId }),
                last4: a.secret!.value.slice(-4),
                expiresAt: a.secret!.expiresAt,
                status: "active",
              },
            },
          },
          select: { id: true },
        });
        appIds.set(a.key, row.id);
        await writeAudit(tx, actor, {
          action: "app.create",
          targetType: "app",
          targetId: row.id,
          tenantId,
          detail: {
            clientId: a.clientId,
            kind: "single_tenant",
            scopeProfile: a.profile,
            secretExpiresAt: a.secret!.expiresAt.toISOString(),
            via: "import",
          },
        });
      }
      const mailboxIds: string[] = [];
      for (const m of p.mailboxes.values()) {
        if (m.existing) continue;
        const tenantId = tenantIds.get(m.tenantKey)!;
        const row = await tx.mailbox.create({
          data: {
            workspaceId: ws,
            tenantId,
            appRegistrationId: appIds.get(m.appKey)!,
            address: m.address,
            kind: m.kind,
            delegateUpn: m.delegateUpn,
            inbound: m.inbound,
            outbound: m.outbound,
            folder: m.folder,
            state: "pending_consent",
          },
          select: { id: true },
        });
        mailboxIds.push(row.id);
        await writeAudit(tx, actor, {
          action: "mailbox.create",
          targetType: "mailbox",
          targetId: row.id,
          tenantId,
          detail: { address: m.address, kind: m.kind, inbound: m.inbound, outbound: m.outbound, via: "import" },
        });
      }
      const counts = {
        tenants: p.view.tenants.filter((t) => t.action === "create").length,
        apps: p.view.apps.filter((a) => a.action === "create").length,
        mailboxes: mailboxIds.length,
        rows: p.view.rows,
      };
      await writeAudit(tx, actor, { action: "onboarding.import", targetType: "workspace", targetId: ws, detail: counts });
      return { tenantIds: [...new Set(tenantIds.values())], counts };
    },
    { timeout: 60_000 },
  );
  return { created: true as const, plan: p.view, tenantIds: ids.tenantIds, counts: ids.counts, warnings };
}
