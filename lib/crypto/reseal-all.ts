import "server-only";
// Re-seals every sealed column under the keyring's current key (after a key was put in front
// of CONSENTRY_ENCRYPTION_KEY). Rows are updated only if the value is unchanged since read,
// so a worker refreshing a token at the same time can't be overwritten with a stale value.
import { db } from "../db/client";
import type { TKeyring } from "./keyring";
import { needsReseal, seal, unseal, type TSealPurpose } from "./seal";

type TColumn = { table: string; column: string; purpose: TSealPurpose };

export const SEALED_COLUMNS: TColumn[] = [
  { table: "AppSecret", column: "sealedValue", purpose: "client_secret" },
  { table: "Grant", column: "sealedRefreshToken", purpose: "refresh_token" },
  { table: "Grant", column: "sealedAccessToken", purpose: "access_token" },
  { table: "ConsentRequest", column: "sealedCodeVerifier", purpose: "code_verifier" },
  { table: "WebhookEndpoint", column: "sealedSecret", purpose: "generic" },
];

/** `workspaceId` limits the run to one workspace (tests; re-sealing a single customer). */
export async function resealAll(ring: TKeyring, opts: { workspaceId?: string } = {}): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const c of SEALED_COLUMNS) {
    let n = 0;
    // Identifiers come from the constant table above, never from input.
    const rows = opts.workspaceId
      ? await db().$queryRawUnsafe<{ id: string; v: string }[]>(`SELECT "id", "${c.column}" AS v FROM "${c.table}" WHERE "${c.column}" IS NOT NULL AND "workspaceId" = $1`, opts.workspaceId)
      : await db().$queryRawUnsafe<{ id: string; v: string }[]>(`SELECT "id", "${c.column}" AS v FROM "${c.table}" WHERE "${c.column}" IS NOT NULL`);
    for (const r of rows) {
      if (!needsReseal(ring, r.v)) continue;
      const fresh = seal(ring, unseal(ring, r.v, c.purpose), c.purpose);
      n += await db().$executeRawUnsafe(`UPDATE "${c.table}" SET "${c.column}" = $1 WHERE "id" = $2 AND "${c.column}" = $3`, fresh, r.id, r.v);
    }
    counts[`${c.table}.${c.column}`] = n;
  }
  return counts;
}
