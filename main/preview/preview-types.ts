/**
 * The login preview's vocabulary in main: the shared result types (defined with their schemas in
 * `shared/preview/preview-schemas.ts`, so the contract can carry them) and the raw failure the
 * flow hands to the diagnosis, which never leaves main.
 */
export {
  type Diagnosis,
  DIAGNOSIS_CODES,
  type DiagnosisCode,
  type OneClickFix,
  type TimelineEntry,
} from '../../shared/preview/preview-schemas.ts';

/**
 * What went wrong in a preview, as the flow observed it — raw facts, before diagnosis.
 *
 * @remarks
 * The flow (`preview-flow.ts`) produces it; the diagnosis (`diagnosis/`) turns it, with what it
 * reads from the org, into {@link Diagnosis} values. Keeping the two apart lets each be tested on
 * its own, and lets the diagnosis be re-run on a saved failure.
 */
export type PreviewFailure =
  | { stage: 'discovery'; url: string; status: number | null; detail: string }
  /** Okta answered /authorize with its own HTML error page (no redirect back to the app). */
  | { stage: 'authorize-page'; status: number; pageText: string }
  /** Okta redirected back to the app with `error` (and a valid state). */
  | { stage: 'authorize-redirect'; error: string; errorDescription: string | null }
  | {
      stage: 'callback';
      reason: 'state-missing' | 'state-mismatch' | 'replayed' | 'iss-mismatch' | 'no-code';
      detail: string;
    }
  | {
      stage: 'token';
      status: number;
      error: string | null;
      errorDescription: string | null;
      /** Okta-style bodies (`errorCode`, `errorSummary`) for the unknown-client case. */
      errorSummary: string | null;
    }
  | {
      stage: 'id-token';
      reason:
        | 'missing'
        | 'signature'
        | 'alg'
        | 'kid'
        | 'iss'
        | 'aud'
        | 'azp'
        | 'nonce'
        | 'exp'
        | 'iat'
        | 'sub'
        | 'at_hash'
        | 'token-type';
      detail: string;
      /** The claims as decoded (unverified), for the issuer and audience diagnoses. */
      claims?: Record<string, unknown>;
    }
  | { stage: 'userinfo'; reason: 'sub-mismatch' | 'http'; detail: string }
  | { stage: 'claims'; reason: 'groups-missing'; detail: string }
  | { stage: 'timeout'; detail: string }
  /** Checked before the sign-in: the user who would sign in is one Okta will not let in. */
  | { stage: 'user-status'; status: string; detail: string };
