/**
 * Okta's sign-on modes (management.yaml `ApplicationSignOnMode`) as the Admin Console names
 * them, for an admin reading a list of apps: a real org holds SAML, SWA and other apps beside its
 * OIDC ones, and the console shows them without offering to set them up.
 */
export const SIGN_ON_MODE_NAMES: Readonly<Record<string, string>> = {
  OPENID_CONNECT: 'OIDC',
  SAML_2_0: 'SAML 2.0',
  SAML_1_1: 'SAML 1.1',
  WS_FEDERATION: 'WS-Federation',
  AUTO_LOGIN: 'SWA',
  BROWSER_PLUGIN: 'SWA (browser plugin)',
  BASIC_AUTH: 'Basic authentication (SWA)',
  SECURE_PASSWORD_STORE: 'Secure password store (SWA)',
  BOOKMARK: 'Bookmark',
};

/** The Admin Console's name of `signOnMode`, or the mode itself for one Okta adds later. */
export function signOnModeName(signOnMode: string): string {
  return SIGN_ON_MODE_NAMES[signOnMode] ?? signOnMode;
}

/**
 * Why the console will not set up an app for OIDC sign-in, or `null` when it will: one sentence
 * that says what the app is and what to do instead.
 *
 * @remarks
 * Only custom OIDC apps (`name` `oidc_client`) are the console's to edit. Okta's own apps (the
 * Admin Console `saasure`, the Dashboard `okta_enduser`) and OIN catalog apps are OIDC too, but
 * their settings belong to Okta or the catalog. An API services app (`application_type`
 * `service`) is a custom OIDC app too, but it signs no one in: it is a machine's client.
 */
export function notEditableReason(
  signOnMode: string,
  name: string,
  applicationType?: string,
): string | null {
  if (signOnMode === 'OPENID_CONNECT') {
    if (name !== 'oidc_client' && name !== '') {
      return `An Okta or OIN catalog app (${name}): its sign-in settings belong to Okta or the catalog, not to a setup. Create a new OIDC app integration instead.`;
    }
    return applicationType === 'service'
      ? 'An API services app: it gets tokens for itself (client credentials) and signs no one in, so it has no sign-in for the console to set up. Create a new OIDC app integration instead.'
      : null;
  }
  if (signOnMode === 'BOOKMARK') {
    return 'A bookmark app only links to a URL; it has no sign-in for the console to set up. Create a new OIDC app integration instead.';
  }
  return `A ${signOnModeName(signOnMode)} app: the console sets up OIDC sign-in only, and Okta cannot turn an existing app into an OIDC one. Keep editing it in the Admin Console, or create a new OIDC app integration.`;
}
