// The data half of the row-binding migration (issue 9): SQL migrations can't re-seal, since that
// needs CONSENTRY_ENCRYPTION_KEY, so `npm start` and `npm run demo` run it right after the SQL
// migrations. Idempotent and safe with several instances starting at once (each row is updated
// only if unchanged since read); a value that can't be opened is left as it is and reported, so
// a missing old key never stops the app from starting (`npm run keys:rotate` fails loudly instead).
import { parseKeyring } from "../../lib/crypto/keyring";
import { resetEnvCache } from "../../lib/env";

export async function resealOnStart(opts: { databaseUrl: string; keySpec: string; log: (l: string) => void }) {
  process.env.DATABASE_URL = opts.databaseUrl;
  resetEnvCache();
  const { resealAll } = await import("../../lib/crypto/reseal-all");
  let failed = 0;
  const counts = await resealAll(parseKeyring(opts.keySpec), { onUnopenable: () => failed++ });
  const n = Object.values(counts).reduce((a, b) => a + b, 0);
  if (n) opts.log(`re-sealed ${n} secret(s) and token(s) to the current key and row-bound format`);
  if (failed)
    opts.log(
      `${failed} sealed value(s) could not be opened with CONSENTRY_ENCRYPTION_KEY and were left as they are (npm run keys:rotate names them)`,
    );
}
