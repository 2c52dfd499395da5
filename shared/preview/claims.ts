/**
 * What each claim in an Okta token means, in one sentence, for the preview's token viewer.
 *
 * @remarks
 * Standard OIDC claims (OpenID Connect Core §2, §5.1) and the ones Okta adds (`ver`, `jti`,
 * `idp`, `amr`, `cid`, `uid`, `scp`, `auth_time`). Unknown claims are shown without an
 * explanation rather than guessed at: custom claims are the admin's own.
 */
const CLAIM_MEANINGS: Record<string, string> = {
  iss: 'Issuer: the authorization server that made the token. The app must be configured with exactly this value.',
  sub: 'Subject: the user’s stable Okta id. Apps should key accounts on it, not on the email.',
  aud: 'Audience: who the token is for — the client id for an ID token, the API for an access token.',
  exp: 'Expires at (seconds since 1970). After this the token must be refused.',
  iat: 'Issued at (seconds since 1970).',
  auth_time: 'When the user last authenticated (seconds since 1970).',
  nonce:
    'The random value the app sent with the sign-in; it proves the token answers that request.',
  at_hash: 'A hash of the access token issued with it, binding the two together.',
  amr: 'How the user authenticated, e.g. pwd (password), mfa, otp.',
  idp: 'The identity provider that authenticated the user: the org’s id for Okta itself.',
  jti: 'The token’s unique id.',
  ver: 'Okta’s token format version.',
  email: 'The user’s primary email (with the email scope).',
  email_verified:
    'Whether Okta verified the email. Some apps (Kaimu) refuse to sign in without it.',
  name: 'The user’s full name (with the profile scope).',
  given_name: 'First name (with the profile scope).',
  family_name: 'Last name (with the profile scope).',
  preferred_username: 'The Okta login (with the profile scope); many apps show it as the username.',
  locale: 'The user’s locale (with the profile scope).',
  zoneinfo: 'The user’s time zone (with the profile scope).',
  updated_at: 'When the profile last changed (seconds since 1970).',
  groups: 'The user’s groups that the groups claim’s filter lets through; apps map them to roles.',
  cid: 'Client id of the app the access token was issued to.',
  uid: 'The user’s Okta id (access tokens).',
  scp: 'Scopes granted to the access token.',
  azp: 'Authorized party: the client the token was issued to, when the audience has several values.',
};

/** The claim's meaning, or `undefined` for a claim the console does not know (custom claims). */
export function explainClaim(name: string): string | undefined {
  return Object.hasOwn(CLAIM_MEANINGS, name) ? CLAIM_MEANINGS[name] : undefined;
}

/** A time claim (seconds since 1970) as an ISO date, for claims that hold one. */
export function claimTime(name: string, value: unknown): string | undefined {
  if (!['exp', 'iat', 'auth_time', 'updated_at'].includes(name) || typeof value !== 'number') {
    return undefined;
  }
  return new Date(value * 1000).toISOString();
}
