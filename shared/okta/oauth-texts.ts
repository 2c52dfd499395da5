/**
 * Okta's OAuth error texts, word for word (okta-behaviours.md §11). Tests assert these exact
 * strings, the sandbox org answers with them, and the preview's diagnosis keys its explanations
 * on them, so they live once, beneath both.
 */
export const OKTA_OAUTH_TEXTS = {
  notAssigned: 'User is not assigned to the client application.',
  policyFailed:
    'Policy evaluation failed for this request, please check the policy configurations.',
  scopesNotConfigured:
    'One or more scopes are not configured for the authorization server resource.',
  pkceRequiredForNone:
    "PKCE code challenge is required when the token endpoint authentication method is 'NONE'.",
  pkceRequiredByApp: 'PKCE code challenge is required by the application.',
  pkceMethodUnsupported: "The 'code_challenge_method' parameter must be 'S256'.",
  pkceVerificationFailed: 'PKCE verification failed.',
  openidScopeRequired:
    'Requests for ID tokens or access tokens with OpenID scopes require the `openid` scope.',
  unsupportedResponseType: "The response type contained in the request isn't supported.",
  unsupportedResponseMode:
    'The response mode isn\u2019t supported by the authorization server. Valid response modes: [`query`, `fragment`, `form_post`, `okta_post_message`].',
  stateRequired: "The authorization request is missing the required 'state' parameter.",
  redirectUriNotRegistered:
    "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.",
  unknownClientId: "Invalid value for 'client_id' parameter.",
  codeInvalid: 'The authorization code is invalid or has expired.',
  codeOtherClient:
    'The grant was issued to another client. Ensure that the `client_id` matches the one used at the authorize request.',
  redirectUriMismatch:
    "The 'redirect_uri' does not match the redirection URI used in the authorization request.",
  multipleCredentials:
    "Can't supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a `client_assertion` in the post body.",
  noScopes: 'No scopes were requested.',
  unsupportedGrantType: "The grant type in the request isn't supported.",
  grantNotAllowed: 'The client is not authorized to use the provided grant type.',
  noCredentials: 'No client credentials found',
  badSecret: 'The client secret supplied for a confidential client is invalid.',
  wrongAuthMethod:
    'Client authentication failed. Either the client or the client credentials are invalid.',
  loginRequired: 'The client specified not to prompt, but the user is not logged in.',
  postLogoutUriNotRegistered:
    "The 'post_logout_redirect_uri' parameter must be a Logout redirect URI in the client app settings.",
} as const;

/** Scopes the org authorization server knows (okta-behaviours.md §1); `okta.*` are API scopes. */
export const ORG_AS_SCOPES = new Set([
  'openid',
  'profile',
  'email',
  'address',
  'phone',
  'offline_access',
  'groups',
]);

/**
 * Okta's `invalid_scope` answer at `/token` for scopes the app may not request (unverified
 * wording: the phrase and the list are what Okta's answer is known to carry). The sandbox says
 * it; the console reads only the `okta.*` scopes out of it (`main/okta/okta-errors.ts`), so a
 * rewording by Okta costs the console nothing but the sentence.
 */
export function oktaScopesNotAllowed(scopes: readonly string[]): string {
  return `The following scopes are not allowed: ${scopes.join(', ')}`;
}
