import "server-only";
// Re-seals every sealed column under the keyring's current key and in the current (row-bound v2)
// format: after a key was put in front of CONSENTRY_ENCRYPTION_KEY, and at every start to upgrade
// v1 values (idempotent: a v2 value under the current key is left alone). Rows are updated only
// if the value is unchanged since read, so a worker refreshing a token at the same time can't be
// overwritten with a stale value.
import { db } from "../db/client";
import type { TKeyring } from "./keyring";
import { needsReseal, seal, unseal, type TSealPurpose } from "./seal";

/** `bindColumn` is the row id the value is bound to (see TSealBinding). */
type TColumn = { table: string; column: string; purpose: TSealPurpose; bindColumn: string };

export const SEALED_COLUMNS: TColumn[] = [
  { table: "AppSecret", column: "sealedValue", purpose: "client_secret", bindColumn: "id" },
  { table: "Grant", column: "sealedRefreshToken", purpose: "refresh_token", bindColumn: "mailboxId" },
  { table: "Grant", column: "sealedAccessToken", purpose: "access_token", bindColumn: "mailboxId" },
  { table: "AppOnlyToken", column: "sealedAccessToken", purpose: "access_token", bindColumn: "id" },
  { table: "ConsentRequest", column: "sealedCodeVerifier", purpose: "code_verifier", bindColumn: "id" },
  { table: "WebhookEndpoint", column: "sealedSecret", purpose: "generic", bindColumn: "id" },
  { table: "WebhookEndpoint", column: "sealedPreviousSecret", purpose: "generic", bindColumn: "id" },
];

/** `workspaceId` limits the run to one workspace (tests; re-sealing a single customer). With
 *  `onUnopenable`, a value that can't be opened is reported and skipped instead of stopping the run. */
export async function resealAll(
  ring: TKeyring,
  opts: { workspaceId?: string; onUnopenable?: (where: string, err: Error) => void } = {},
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const c of SEALED_COLUMNS) {
    let n = 0;
    // Identifiers come from the constant table above, never from input.
    // Values already in the current format under the current key are skipped in SQL, so the
    // start-up run reads next to nothing once everything is upgraded.
    const current = `v2.${ring.current.id}.`;
    const select = `SELECT "id", "workspaceId" AS ws, "${c.bindColumn}" AS rid, "${c.column}" AS v FROM "${c.table}" WHERE "${c.column}" IS NOT NULL AND left("${c.column}", ${current.length}) <> $1`;
    const rows = opts.workspaceId
      ? await db().$queryRawUnsafe<{ id: string; ws: string; rid: string; v: string }[]>(
          `${select} AND "workspaceId" = $2`,
          current,
          opts.workspaceId,
        )
      : await db().$queryRawUnsafe<{ id: string; ws: string; rid: string; v: string }[]>(select, current);
    for (const r of rows) {
      if (!needsReseal(ring, r.v)) continue;
      const bind = { workspaceId: r.ws, rowId: r.rid };
      let plain: string;
      try {
        plain = unseal(ring, r.v, c.purpose, bind);
      } catch (err) {
        if (!opts.onUnopenable) throw err;
        opts.onUnopenable(`${c.table}.${c.column} ${r.id}`, err as Error);
        continue;
      }
      const fresh = seal(ring, plain, c.purpose, bind);
      n += await db().$executeRawUnsafe(
        `UPDATE "${c.table}" SET "${c.column}" = $1 WHERE "id" = $2 AND "${c.column}" = $3`,
        fresh,
        r.id,
        r.v,
      );
    }
    counts[`${c.table}.${c.column}`] = n;
  }
  return counts;
}
