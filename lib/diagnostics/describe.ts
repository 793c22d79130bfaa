// The one diagnosis view: what the dashboard, the REST API, alerts, the status page and the
// support bundle show for a code stored on a mailbox, an event or a token error. Built from the
// catalog only; nothing else rebuilds title/cause/fix from catalogEntry().
import { catalogEntry, type TAction, type TDiagnosisCode } from "./catalog";

export type TDiagnosisView = {
  /** The catalog entry's code: the stored code when known, else the catalog's fallback entry. */
  code: TDiagnosisCode;
  /** False when the stored code isn't in the catalog (an older or newer release wrote it). */
  isKnown: boolean;
  title: string;
  cause: string;
  fixSteps: string[];
  retryable: boolean;
  /** Retries by itself; nobody needs to act. */
  transient: boolean;
  action: TAction | null;
  docsUrl: string;
};

export function describe(code: string): TDiagnosisView;
export function describe(code: string | null | undefined): TDiagnosisView | null;
export function describe(code: string | null | undefined): TDiagnosisView | null {
  if (!code) return null;
  const e = catalogEntry(code as TDiagnosisCode);
  return {
    code: e.code,
    isKnown: e.code === code,
    title: e.title,
    cause: e.cause,
    fixSteps: [...e.fixSteps],
    retryable: e.retryable,
    transient: e.transient,
    action: e.action ?? null,
    docsUrl: e.docsUrl,
  };
}
