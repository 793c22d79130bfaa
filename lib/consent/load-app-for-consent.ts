// Moved to lib/grants/load-app-for-consent.ts (the token refresher needs it, and lib/grants must not
// import lib/consent); re-exported here for the consent flow's existing imports.
export { loadAppForConsent, redirectUri, type TAppForConsent } from "../grants/load-app-for-consent";
