import { randomBytes } from 'node:crypto';

import type { AccessToken, IDToken } from '@okta/okta-auth-js';

import type { Discovery } from './flow-checks.ts';
import { redactUrl } from './preview-redaction.ts';
import type { TimelineEntry } from './preview-types.ts';
import type { RecordedHttp } from './recorded-http.ts';
import { basicCredentials, type SignInSettings } from './sign-in-session.ts';

/** Follow-ups on a finished preview; the tokens live only in this closure. */
export interface PreviewSession {
  /** Revokes the access token at the revocation endpoint, with the app's client authentication. */
  revoke(): Promise<TimelineEntry>;
  /** Opens Okta's sign-out (end-session) URL in the browser, with the ID token as hint. */
  signOut(options?: { postLogoutRedirectUri?: string }): Promise<TimelineEntry>;
  /** Forgets the tokens (RFC 9700 §4.3: clear them when the transaction ends). */
  end(): void;
}

/**
 * The follow-ups of a preview whose token exchange succeeded. The tokens are held here, not in
 * the result, so nothing that serializes the result can carry them off.
 */
export function createPreviewSession(input: {
  http: RecordedHttp;
  deps: { openBrowser(url: string): Promise<void>; now(): number };
  settings: Pick<SignInSettings, 'clientId' | 'clientSecret' | 'tokenEndpointAuthMethod'>;
  discovery: Discovery;
  tokens: { accessToken: AccessToken | undefined; idToken: IDToken | undefined };
}): PreviewSession {
  const { settings, discovery, tokens } = input;
  return {
    async revoke() {
      const accessToken = tokens.accessToken?.accessToken;
      if (accessToken === undefined) {
        throw new Error('The preview has ended; there is no token left to revoke.');
      }
      if (discovery.revocation_endpoint === undefined) {
        throw new Error('The authorization server has no revocation endpoint.');
      }
      const form = new URLSearchParams({ token: accessToken, token_type_hint: 'access_token' });
      const headers: Record<string, string> = {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      };
      // The same client authentication as the token request: Okta checks it at /revoke too.
      if (settings.tokenEndpointAuthMethod === 'client_secret_basic') {
        headers.authorization = basicCredentials(settings.clientId, settings.clientSecret ?? '');
      } else {
        form.set('client_id', settings.clientId);
        if (settings.tokenEndpointAuthMethod === 'client_secret_post') {
          form.set('client_secret', settings.clientSecret ?? '');
        }
      }
      const answer = await input.http.exchange('revoke', discovery.revocation_endpoint, {
        method: 'POST',
        headers,
        body: form.toString(),
      });
      return answer.entry;
    },
    async signOut(signOutOptions = {}) {
      if (tokens.idToken === undefined) {
        throw new Error('The preview has no ID token to sign out with.');
      }
      if (discovery.end_session_endpoint === undefined) {
        throw new Error('The authorization server has no end-session (logout) endpoint.');
      }
      // auth-js builds this URL only inside its browser-only signOut(); the parameters are
      // OIDC RP-Initiated Logout's, which Okta's /v1/logout takes.
      const logout = new URL(discovery.end_session_endpoint);
      logout.searchParams.set('id_token_hint', tokens.idToken.idToken);
      if (signOutOptions.postLogoutRedirectUri !== undefined) {
        logout.searchParams.set('post_logout_redirect_uri', signOutOptions.postLogoutRedirectUri);
      }
      logout.searchParams.set('state', randomBytes(16).toString('base64url'));
      const url = logout.toString();
      const entry: TimelineEntry = {
        step: 'logout',
        method: 'GET',
        url: redactUrl(url),
        status: null,
        durationMs: 0,
      };
      // Into the timeline only: the live progress ended with the preview.
      input.http.timeline.push(entry);
      const started = input.deps.now();
      await input.deps.openBrowser(url);
      entry.durationMs = input.deps.now() - started;
      return entry;
    },
    end() {
      tokens.accessToken = undefined;
      tokens.idToken = undefined;
    },
  };
}
