import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import { SETUP_MARK_KEY } from '../okta/org-snapshot.ts';

/**
 * The Okta app a setup document asks for, as `createApplication` / `replaceApplication` take it.
 *
 * @remarks
 * Carries the console's mark in `profile` (the setup id), which is how the engine recognises
 * its own app after a lost response — Okta labels are not unique. `existing` is the app as the
 * org holds it: a replace keeps every field the console does not manage (notes, visibility,
 * other profile keys), because Okta's replace would otherwise reset them.
 */
export function appRequestBody(
  document: SetupDocument,
  existing?: Record<string, unknown>,
): Record<string, unknown> {
  const { app, issuer } = document;
  const previous = existing ?? {};
  const previousSettings = (previous.settings ?? {}) as Record<string, unknown>;
  const previousCredentials = (previous.credentials ?? {}) as Record<string, unknown>;
  const previousProfile = (previous.profile ?? {}) as Record<string, unknown>;
  const responseTypes = [
    ...(app.grantTypes.includes('authorization_code') ? ['code'] : []),
    ...(app.grantTypes.includes('implicit') ? ['id_token', 'token'] : []),
  ];
  return {
    ...previous,
    name: 'oidc_client',
    signOnMode: 'OPENID_CONNECT',
    label: app.label,
    profile: { ...previousProfile, [SETUP_MARK_KEY]: { setupId: document.id } },
    credentials: {
      ...previousCredentials,
      oauthClient: {
        ...((previousCredentials.oauthClient ?? {}) as Record<string, unknown>),
        token_endpoint_auth_method: app.tokenEndpointAuthMethod,
        pkce_required: app.pkceRequired,
      },
    },
    settings: {
      ...previousSettings,
      implicitAssignment: app.implicitAssignment,
      oauthClient: {
        ...((previousSettings.oauthClient ?? {}) as Record<string, unknown>),
        application_type: app.applicationType,
        grant_types: app.grantTypes,
        response_types: responseTypes,
        redirect_uris: app.redirectUris,
        post_logout_redirect_uris: app.postLogoutRedirectUris,
        consent_method: app.consentMethod,
        issuer_mode: issuer.issuerMode,
        ...(app.initiateLoginUri === undefined ? {} : { initiate_login_uri: app.initiateLoginUri }),
      },
    },
  };
}
