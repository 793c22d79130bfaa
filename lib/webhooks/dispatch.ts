import "server-only";
// The worker's webhook sender: claims due deliveries (SKIP LOCKED, expiring claims), POSTs the
// JSON signed with the endpoint's secret, and retries failures with backoff for about a day.
// A 410 Gone from the receiver switches the endpoint off (its way to unsubscribe).
import http from "node:http";
import https from "node:https";
import dns from "node:dns";
import { db } from "../db/client";
import { signingSecrets } from "./rotate-secret";
import { env } from "../env";
import { redact } from "../microsoft/parse-error";
import { signPayload } from "./signature";
import { checkedLookup, webhookUrlProblem } from "./url-safety";

export const MAX_DELIVERY_ATTEMPTS = 10;
const CLAIM_MS = 60_000;
const TIMEOUT_MS = 10_000;
export const deliveryRetryMs = (attempt: number) => Math.min(30_000 * 2 ** (attempt - 1), 4 * 3600_000);

type TClaimed = { id: string; endpointId: string; eventType: string; payload: unknown; attempts: number };

export async function claimDeliveries(workerId: string, limit: number, now = new Date()): Promise<TClaimed[]> {
  const until = new Date(now.getTime() + CLAIM_MS);
  return db().$queryRaw<TClaimed[]>`
    UPDATE "WebhookDelivery" SET "status" = 'delivering', "claimedBy" = ${workerId}, "claimedUntil" = ${until}, "attempts" = "attempts" + 1
    WHERE "id" IN (
      SELECT d."id" FROM "WebhookDelivery" d JOIN "WebhookEndpoint" e ON e."id" = d."endpointId"
      WHERE e."isEnabled" AND ((d."status" = 'pending' AND d."nextAttemptAt" <= ${now}) OR (d."status" = 'delivering' AND d."claimedUntil" < ${now}))
      ORDER BY d."nextAttemptAt" ASC
      LIMIT ${limit}
      FOR UPDATE OF d SKIP LOCKED)
    RETURNING "id", "endpointId", "eventType", "payload", "attempts"`;
}

type TPost = { status: number; body: string } | { error: string };

/** POSTs with the resolved address checked (no private targets unless allowed) and a hard timeout. */
export function postJson(url: string, body: string, headers: Record<string, string>, allowPrivate: boolean): Promise<TPost> {
  const problem = webhookUrlProblem(url, allowPrivate);
  if (problem) return Promise.resolve({ error: problem });
  const u = new URL(url);
  const lib = u.protocol === "https:" ? https : http;
  // IP literals were checked above (no lookup happens for them); names are checked per answer.
  const lookup = checkedLookup(allowPrivate, dns.lookup as never) as unknown as typeof dns.lookup;
  return new Promise((resolve) => {
    const req = lib.request(
      u,
      { method: "POST", headers: { ...headers, "content-length": String(Buffer.byteLength(body)) }, lookup, timeout: TIMEOUT_MS },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size <= 4096) chunks.push(c);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8").slice(0, 500) }));
        res.on("error", (e) => resolve({ error: e.message }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    req.on("error", (e) =>
      resolve({
        error:
          (e as NodeJS.ErrnoException).code === "EPRIVATE" ? e.message : `${(e as NodeJS.ErrnoException).code ?? "ERROR"}: ${e.message}`,
      }),
    );
    req.end(body);
  });
}

async function deliverOne(c: TClaimed, workerId: string) {
  const ep = await db().webhookEndpoint.findUnique({
    where: { id: c.endpointId },
    omit: { sealedSecret: false, sealedPreviousSecret: false },
  });
  const mine = { id: c.id, claimedBy: workerId, status: "delivering" as const };
  if (!ep) return;
  const body = JSON.stringify(c.payload);
  const secret = signingSecrets(ep);
  const r = await postJson(
    ep.url,
    body,
    {
      "content-type": "application/json",
      "user-agent": "Consentry-Webhooks/1",
      "consentry-event": c.eventType,
      "consentry-delivery": c.id,
      "consentry-signature": signPayload(secret, body),
    },
    env().WEBHOOK_ALLOW_PRIVATE,
  );
  const now = new Date();
  if ("status" in r && r.status >= 200 && r.status < 300) {
    await db().webhookDelivery.updateMany({
      where: mine,
      data: { status: "delivered", deliveredAt: now, lastStatusCode: r.status, lastError: null, claimedBy: null, claimedUntil: null },
    });
    await db().webhookEndpoint.update({ where: { id: c.endpointId }, data: { lastSuccessAt: now } });
    return;
  }
  const error = "status" in r ? `HTTP ${r.status}${r.body ? `: ${redact(r.body).slice(0, 200)}` : ""}` : redact(r.error).slice(0, 300);
  const gone = "status" in r && r.status === 410;
  const final = gone || c.attempts >= MAX_DELIVERY_ATTEMPTS;
  await db().webhookDelivery.updateMany({
    where: mine,
    data: {
      status: final ? "failed" : "pending",
      nextAttemptAt: new Date(now.getTime() + deliveryRetryMs(c.attempts)),
      lastStatusCode: "status" in r ? r.status : null,
      lastError: error,
      claimedBy: null,
      claimedUntil: null,
    },
  });
  await db().webhookEndpoint.update({ where: { id: c.endpointId }, data: { lastFailureAt: now, ...(gone ? { isEnabled: false } : {}) } });
}

export async function deliverDueWebhooks(workerId: string, opts: { concurrency: number; log?: (l: string) => void }): Promise<number> {
  const claimed = await claimDeliveries(workerId, opts.concurrency * 4);
  // A few at a time: one slow receiver must not hold up the rest for long.
  for (let i = 0; i < claimed.length; i += opts.concurrency) {
    await Promise.all(
      claimed
        .slice(i, i + opts.concurrency)
        .map((c) => deliverOne(c, workerId).catch((e) => opts.log?.(`webhook ${c.id}: ${(e as Error).message}`))),
    );
  }
  return claimed.length;
}
