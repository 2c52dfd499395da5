import { z } from 'zod';

import { safeUriSchema, webUrlSchema } from '../setup/uri-lint.ts';

/**
 * The login preview's results as they cross from main to the renderer and the command line.
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
  /** The user who signs in is not ACTIVE (suspended, locked out, password expired, …). */
  'USER_NOT_ACTIVE',
  /** A wrong password at Okta's sign-in page (System Log reason INVALID_CREDENTIALS). */
  'INVALID_CREDENTIALS',
  /** A username no user of the org has (System Log reason VERIFICATION_ERROR). */
  'UNKNOWN_USER',
  /** Any other Okta error, shown with Okta's text. */
  'OKTA_ERROR',
] as const;

/** One of {@link DIAGNOSIS_CODES}. */
export type DiagnosisCode = (typeof DIAGNOSIS_CODES)[number];

const ISSUER_MODE = z.enum(['ORG_URL', 'DYNAMIC', 'CUSTOM_URL']);

/**
 * A change the console can make for the admin, through the plan/apply engine, to fix a
 * diagnosis. Plain data so it can cross IPC and be shown as a planned change before it is made.
 */
export const oneClickFixSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('add-redirect-uri'),
    uri: safeUriSchema,
    replaces: z.string().max(2048).optional(),
  }),
  z.object({ kind: z.literal('assign-user'), login: z.string() }),
  z.object({ kind: z.literal('add-scope'), scope: z.string() }),
  z.object({ kind: z.literal('set-pkce-required'), value: z.boolean() }),
  z.object({
    kind: z.literal('set-token-endpoint-auth-method'),
    method: z.enum(['client_secret_basic', 'client_secret_post', 'none']),
  }),
  z.object({ kind: z.literal('allow-client-in-policy') }),
  z.object({ kind: z.literal('activate-app') }),
  z.object({
    kind: z.literal('set-issuer'),
    issuer: z.enum(['org', 'default']),
    issuerMode: ISSUER_MODE.optional(),
  }),
  z.object({ kind: z.literal('add-groups-claim'), name: z.string() }),
  z.object({ kind: z.literal('add-trusted-origin'), origin: webUrlSchema }),
]);

/** A one-click fix; see {@link oneClickFixSchema}. */
export type OneClickFix = z.infer<typeof oneClickFixSchema>;

/** One failure explained: what Okta said, why, what to do, and the fix the console can make. */
export const diagnosisSchema = z.object({
  code: z.enum(DIAGNOSIS_CODES),
  /** Okta's own words (error_description, page text), verbatim; `null` when Okta said nothing. */
  oktaText: z.string().nullable(),
  /** The root cause in the admin's terms, naming the values involved. */
  cause: z.string(),
  /** What to do, step by step where needed. */
  fix: z.string(),
  oneClickFix: oneClickFixSchema.optional(),
  /** System Log events for the failed attempt, when the token may read them. */
  systemLog: z
    .array(
      z.object({
        published: z.string(),
        eventType: z.string(),
        outcome: z.string(),
        reason: z.string().nullable(),
      }),
    )
    .optional(),
});

/** A diagnosis; see {@link diagnosisSchema}. */
export type Diagnosis = z.infer<typeof diagnosisSchema>;

/** One exchange of the flow, as the timeline shows it. Bodies are redacted before they get here. */
export const timelineEntrySchema = z.object({
  step: z.enum([
    'discovery',
    'authorize',
    'callback',
    'token',
    'keys',
    'userinfo',
    'logout',
    'revoke',
  ]),
  method: z.string(),
  /** The URL with secrets (code, state, nonce, verifier, tokens) redacted. */
  url: z.string(),
  status: z.number().nullable(),
  durationMs: z.number(),
  requestBody: z.unknown().optional(),
  responseBody: z.unknown().optional(),
});

/** A timeline entry; see {@link timelineEntrySchema}. */
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

/** How the preview receives the sign-in's redirect; see `main/sign-in/redirect-strategy.ts`. */
export const REDIRECT_STRATEGY_KINDS = [
  'app-loopback',
  'temporary-loopback',
  'intercept-window',
  'paste-url',
] as const;

/** Who signs in for the preview. */
export const previewUserSchema = z.discriminatedUnion('kind', [
  /** The setup's test user (its password is in the keychain). */
  z.object({ kind: z.literal('test-user') }),
  /** A tagged user created for this preview and deleted afterwards. */
  z.object({ kind: z.literal('throwaway') }),
  /** Someone who already exists; they type their own password. */
  z.object({ kind: z.literal('existing'), login: z.string().min(1).max(320) }),
]);

/** Who signs in for a preview or an export's verification. */
export type PreviewUser = z.infer<typeof previewUserSchema>;

/** What a finished preview shows: the timeline, the tokens' claims, and the diagnosis. */
export const previewReportSchema = z.object({
  ok: z.boolean(),
  issuer: z.string(),
  clientId: z.string(),
  redirectUri: z.string(),
  timeline: z.array(timelineEntrySchema),
  // Decoded, verified claims — never the tokens themselves, which stay in main (the names say
  // so: the contract test refuses any field that could carry a token).
  idTokenDecoded: z
    .object({
      header: z.record(z.string(), z.unknown()),
      claims: z.record(z.string(), z.unknown()),
    })
    .optional(),
  accessTokenView: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('jwt'), claims: z.record(z.string(), z.unknown()) }),
      z.object({ kind: z.literal('opaque'), reason: z.string() }),
    ])
    .optional(),
  userinfo: z.record(z.string(), z.unknown()).optional(),
  diagnosis: z.array(diagnosisSchema),
  /** What the console undid afterwards, in words (temporary redirect URI, throwaway user). */
  cleanUp: z.array(z.string()),
});

/** A preview report; see {@link previewReportSchema}. */
export type PreviewReport = z.infer<typeof previewReportSchema>;
