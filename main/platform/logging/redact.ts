/**
 * Patterns of secrets the console handles, each with what replaces it, for {@link redactSecrets}.
 *
 * @remarks
 * Okta API tokens are 42 characters starting with `00`; they are matched bare as well as behind
 * `SSWS`, because an SDK error or a pasted value can carry one without its scheme.
 */
const SECRET_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/\b((?:SSWS|Bearer|DPoP|Basic)\s+)[A-Za-z0-9_.~+/=-]+/gi, '$1[redacted]'],
  // JWTs: base64url segments whose first two start with an encoded '{"' ("eyJ").
  [/\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[redacted]'],
  [/\b00[A-Za-z0-9_-]{38,}/g, '[redacted]'],
  // Secret-named fields in query strings, form bodies and JSON.
  [
    /((?:client_secret|code_verifier|password|api_?token|access_token|id_token|refresh_token)["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi,
    '$1[redacted]',
  ],
];

/**
 * Replaces every secret-shaped substring of `text` with `[redacted]`.
 *
 * @remarks
 * The one redaction used by every log line and every error that leaves main. `knownSecrets` adds
 * exact values (a token the admin just typed need not match any pattern), longest first so a
 * secret that contains another is replaced whole.
 */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let redacted = text;
  const exact = knownSecrets
    .filter((secret) => secret.length >= 8)
    .sort((a, b) => b.length - a.length);
  for (const secret of exact) {
    redacted = redacted.split(secret).join('[redacted]');
  }
  for (const [pattern, replacement] of SECRET_PATTERNS) {
    redacted = redacted.replace(pattern, replacement);
  }
  return redacted;
}
