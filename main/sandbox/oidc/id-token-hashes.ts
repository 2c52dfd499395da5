import type Provider from 'oidc-provider';

/**
 * `at_hash` in every ID token the provider issues together with an access token, as Okta's are
 * (okta-behaviours.md §1, "Token contents"; `claims_supported` lists `at_hash`).
 *
 * @remarks
 * `oidc-provider` sets `at_hash` only on the authorization endpoint's responses (implicit and
 * hybrid: `process_response_types.js`), where OpenID Connect Core §3.2.2.10 and §3.3.2.11 require
 * it. At `/token` (authorization code and refresh token grants) §3.1.3.6 makes it optional, and
 * `grant_common.js` `issueIdToken` leaves it out, though the access token it was issued with is
 * the request's `AccessToken` entity by then. So, for one provider: each access token's value is
 * remembered when it is saved (a JWT access token is known only as `save()` returns it), and an
 * ID token being issued without an `at_hash` gets the value of the request's access token, which
 * the provider's own `issue` then hashes (left half of SHA-256 for RS256, base64url) and signs.
 * ID tokens issued without an access token (`response_type=id_token`, logout tokens, signed
 * userinfo) are left as they are.
 */
export function hashAccessTokensIntoIdTokens(provider: Provider): void {
  const values = new WeakMap<object, string>();

  const AccessToken = provider.AccessToken;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with `apply(this)` below
  const save = AccessToken.prototype.save;
  AccessToken.prototype.save = async function saveAndRemember(
    this: InstanceType<typeof AccessToken>,
    ...args: Parameters<typeof save>
  ): Promise<string> {
    const value = await save.apply(this, args);
    values.set(this, value);
    return value;
  };

  const IdToken = provider.IdToken;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with `apply(this)` below
  const issue = IdToken.prototype.issue;
  IdToken.prototype.issue = function issueWithAtHash(
    this: InstanceType<typeof IdToken>,
    ...args: Parameters<typeof issue>
  ): Promise<string> {
    const [{ use }] = args;
    if (use === 'idtoken' && this.extra.at_hash === undefined) {
      // An ID token built outside a request (none is, today) has no context to look in.
      const context = this.ctx as Partial<typeof this.ctx> | undefined;
      const accessToken: unknown = context?.oidc?.entities.AccessToken;
      const value =
        typeof accessToken === 'object' && accessToken !== null
          ? values.get(accessToken)
          : undefined;
      if (value !== undefined) {
        this.set('at_hash', value);
      }
    }
    return issue.apply(this, args);
  };
}
