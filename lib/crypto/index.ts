import "server-only";
// The process-wide keyring, from CONSENTRY_ENCRYPTION_KEY (the launcher generates one for the demo).
import { env } from "../env";
import { parseKeyring, type TKeyring } from "./keyring";
import { seal, unseal, type TSealBinding, type TSealPurpose } from "./seal";

let ring: TKeyring | undefined;
let ringSpec: string | undefined;

export function keyring(): TKeyring {
  const spec = env().CONSENTRY_ENCRYPTION_KEY;
  if (!spec) throw new Error("CONSENTRY_ENCRYPTION_KEY is not set (openssl rand -base64 32).");
  if (!ring || spec !== ringSpec) {
    ring = parseKeyring(spec);
    ringSpec = spec;
  }
  return ring;
}

export const sealValue = (plaintext: string, purpose: TSealPurpose, bind: TSealBinding) => seal(keyring(), plaintext, purpose, bind);
export const unsealValue = (sealed: string, purpose: TSealPurpose, bind: TSealBinding) => unseal(keyring(), sealed, purpose, bind);
export { SealError, type TSealBinding, type TSealPurpose } from "./seal";
