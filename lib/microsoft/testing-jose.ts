// Test helpers re-exported from jose, so tests sign tokens the way Microsoft's do.
export { generateKeyPair, SignJWT } from "jose";
import { exportJWK, type CryptoKey } from "jose";
export const exported = (k: CryptoKey) => exportJWK(k);
