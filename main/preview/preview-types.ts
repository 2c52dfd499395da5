/**
 * The login preview's vocabulary, shared by the flow (`preview-flow.ts`), the diagnosis
 * (`diagnosis/`), the command line and the wizard.
 *
 * @remarks
 * Diagnosis codes are stable identifiers, like the error codes in `shared/errors.ts`: tests, the
 * CLI's `--json` output and the UI key on them, never on message text. Each code is one root
 * cause an admin can act on; Okta's own text travels alongside in `oktaText`.
 */
export const DIAGNOSIS_CODES = [
  /** HTML 400 "The 'redirect_uri' parameter must be a Login redirect URI…". */
  'REDIRECT_URI_NOT_REGISTERED',
  /** access_denied "User is not assigned to the client application." */
  'USER_NOT_ASSIGNED',
  /** invalid_scope "One or more scopes are not configured for the authorization server resource." */
  'SCOPE_NOT_ON_SERVER',
  /** invalid_request "PKCE code challenge is required…" — the app requires PKCE, the RP sent none. */
  'PKCE_REQUIRED',
  /** invalid_grant "PKCE verification failed." — the verifier was lost or does not match. */
  'PKCE_VERIFICATION_FAILED',
  /** invalid_client at /token: the app's token_endpoint_auth_method differs, or the secret is wrong. */
  'CLIENT_AUTH_MISMATCH',
  /** access_denied "Policy evaluation failed for this request…" on a custom server. */
  'POLICY_EVALUATION_FAILED',
  /** A 400 page with no detail: the app is INACTIVE. */
  'APP_INACTIVE',
  /** Unknown client_id: "Invalid value for 'client_id' parameter." */
  'UNKNOWN_CLIENT',
  /** The ID token's iss, the discovery issuer and the configured issuer disagree. */
  'ISSUER_MISMATCH',
  /** The target needs a groups claim and the ID token has none. */
  'GROUPS_CLAIM_MISSING',
  /** A browser app's origin is not a trusted origin with CORS. */
  'TRUSTED_ORIGIN_MISSING',
  /** The ID token failed verification (signature, aud, nonce, exp/iat, at_hash, alg, sub). */
  'ID_TOKEN_INVALID',
  /** userinfo's sub differs from the ID token's (OIDC Core 5.3.2). */
  'USERINFO_SUB_MISMATCH',
  /** The callback's state is missing, wrong or already used; no token request was made. */
  'STATE_MISMATCH',
  /** Okta refused the code (invalid_grant "The authorization code is invalid or has expired."). */
  'CODE_INVALID',
  /** Any other Okta error, shown with Okta's text. */
  'OKTA_ERROR',
] as const;

/** One of {@link DIAGNOSIS_CODES}. */
export type DiagnosisCode = (typeof DIAGNOSIS_CODES)[number];

/**
 * A change the console can make for the admin, through the plan/apply engine, to fix a
 * diagnosis. Plain data so it can cross IPC and be shown as a planned change before it is made.
 */
export type OneClickFix =
  | { kind: 'add-redirect-uri'; uri: string; replaces?: string }
  | { kind: 'assign-user'; login: string }
  | { kind: 'add-scope'; scope: string }
  | { kind: 'set-pkce-required'; value: boolean }
  | {
      kind: 'set-token-endpoint-auth-method';
      method: 'client_secret_basic' | 'client_secret_post' | 'none';
    }
  | { kind: 'allow-client-in-policy' }
  | { kind: 'activate-app' }
  | {
      kind: 'set-issuer';
      issuer: 'org' | 'default';
      issuerMode?: 'ORG_URL' | 'DYNAMIC' | 'CUSTOM_URL';
    }
  | { kind: 'add-groups-claim'; name: string }
  | { kind: 'add-trusted-origin'; origin: string };

/** One failure explained: what Okta said, why, what to do, and the fix the console can make. */
export interface Diagnosis {
  code: DiagnosisCode;
  /** Okta's own words (error_description, page text), verbatim; `null` when Okta said nothing. */
  oktaText: string | null;
  /** The root cause in the admin's terms, naming the values involved. */
  cause: string;
  /** What to do, step by step where needed. */
  fix: string;
  oneClickFix?: OneClickFix;
  /** System Log events for the failed attempt, when the token may read them. */
  systemLog?: { published: string; eventType: string; outcome: string; reason: string | null }[];
}

/** One exchange of the flow, as the timeline shows it. Bodies are redacted before they get here. */
export interface TimelineEntry {
  step:
    'discovery' | 'authorize' | 'callback' | 'token' | 'keys' | 'userinfo' | 'logout' | 'revoke';
  method: string;
  /** The URL with secrets (code, state, nonce, verifier, tokens) redacted. */
  url: string;
  status: number | null;
  durationMs: number;
  requestBody?: unknown;
  responseBody?: unknown;
}

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
  | { stage: 'timeout'; detail: string };
