import { withoutTrailingSlashes } from '../text.ts';
import {
  type AppSettings,
  type IssuerSettings,
  type PresetId,
  SETUP_DOCUMENT_VERSION,
  type SetupDocument,
} from './setup-document.ts';

/** What a preset derives from the target's base URL and client key. */
export interface PresetUris {
  /** The callback the target app sends as `redirect_uri`. */
  callback: string;
  /** Where the target sends users after signing out of Okta, if it does. */
  signOut: string | undefined;
}

/**
 * A target app the console knows: its defaults, and the target's own rules.
 *
 * @remarks
 * The facts come from the targets' Okta guides (`../shared/seeds/`) and their source
 * (`targets.md`). Each preset fills in what the admin would otherwise look up — callback and
 * sign-out URIs from a base URL, grant types, client authentication, issuer — and explains its
 * target's quirks in `notes`, which the wizard shows next to the fields they concern.
 */
export interface Preset {
  id: PresetId;
  name: string;
  /** One sentence: what the admin gets. */
  description: string;
  /** The base URL a fresh document starts with (the target's usual local address). */
  defaultBaseUrl: string;
  /** The callback's last segment, for targets that name their client in the URL. */
  defaultClientKey: string | undefined;
  uris(baseUrl: string, clientKey: string | undefined): PresetUris;
  app: Omit<AppSettings, 'label' | 'redirectUris' | 'postLogoutRedirectUris'>;
  issuer: IssuerSettings;
  /** Target-specific facts the wizard shows, keyed by the field they concern. */
  notes: Partial<Record<'callback' | 'issuer' | 'scopes' | 'clientKey', string>>;
}

/** `http://host:port/` → `http://host:port`: the targets join paths onto a base without one. */
function trimBase(baseUrl: string): string {
  return withoutTrailingSlashes(baseUrl.trim());
}

const WEB_APP: Preset['app'] = {
  applicationType: 'web',
  grantTypes: ['authorization_code'],
  pkceRequired: false,
  tokenEndpointAuthMethod: 'client_secret_basic',
  consentMethod: 'TRUSTED',
  implicitAssignment: false,
};

/** The `default` custom server every org has, asked for the usual OIDC scopes. */
const DEFAULT_SERVER_ISSUER: IssuerSettings = {
  kind: 'custom',
  server: { kind: 'existing', id: 'default' },
  issuerMode: 'ORG_URL',
  scopes: ['openid', 'email', 'profile'],
};

/** The presets, Kestra and Kaimu first (the guides the product was created from). */
export const PRESETS: Record<PresetId, Preset> = {
  kestra: {
    id: 'kestra',
    name: 'Kestra',
    description:
      'Kestra Enterprise signing in through Micronaut Security: a web app with a client secret, issuer = your Okta URL.',
    defaultBaseUrl: 'http://localhost:8080',
    defaultClientKey: 'okta',
    uris: (baseUrl, clientKey) => ({
      callback: `${trimBase(baseUrl)}/oauth/callback/${clientKey ?? 'okta'}`,
      signOut: `${trimBase(baseUrl)}/logout`,
    }),
    app: WEB_APP,
    // Kestra's guide switches the Sign On issuer from Dynamic to the Okta URL.
    issuer: { kind: 'org', issuerMode: 'ORG_URL' },
    notes: {
      clientKey:
        'Micronaut names the client by its YAML key (micronaut.security.oauth2.clients.<key>) and uses that key as the callback’s last segment: /oauth/callback/<key>.',
      issuer:
        'Kestra’s guide uses the org authorization server with the issuer set to your Okta URL (not Dynamic). Micronaut disables the client silently if discovery at this issuer fails.',
      scopes: 'Micronaut asks for openid, email and profile when an openid block is configured.',
    },
  },
  kaimu: {
    id: 'kaimu',
    name: 'Kaimu',
    description:
      'Kaimu’s backend (go-oidc): a web app with a client secret, issuer = the default custom authorization server.',
    defaultBaseUrl: 'http://localhost:3000',
    defaultClientKey: 'okta',
    uris: (baseUrl, clientKey) => ({
      callback: `${trimBase(baseUrl)}/auth/oidc/${clientKey ?? 'okta'}/callback`,
      // Kaimu has no RP-initiated logout (targets.md §3).
      signOut: undefined,
    }),
    app: WEB_APP,
    issuer: DEFAULT_SERVER_ISSUER,
    notes: {
      clientKey:
        'The provider’s slug in OIDC_PROVIDERS; Kaimu’s callback is OIDC_BASE_URL/auth/oidc/<slug>/callback.',
      issuer:
        'Kaimu’s guide uses https://{your-okta-domain}/oauth2/default. go-oidc rejects the provider unless issuer_url equals the discovery document’s issuer exactly.',
      scopes: 'Kaimu requests "openid email profile" and needs email_verified to be true.',
    },
  },
  web: {
    id: 'web',
    name: 'Web app (generic)',
    description: 'Any server-side web app using the authorization code flow with a client secret.',
    defaultBaseUrl: 'http://localhost:8080',
    defaultClientKey: undefined,
    uris: (baseUrl) => ({
      callback: `${trimBase(baseUrl)}/authorization-code/callback`,
      signOut: trimBase(baseUrl),
    }),
    app: WEB_APP,
    issuer: { kind: 'org', issuerMode: 'ORG_URL' },
    notes: {
      callback: 'Okta’s default for web apps; change it to the path your app’s OIDC library uses.',
    },
  },
  spa: {
    id: 'spa',
    name: 'Single-page app',
    description:
      'A browser app with no secret: authorization code with PKCE, and its origin trusted for CORS.',
    defaultBaseUrl: 'http://localhost:5173',
    defaultClientKey: undefined,
    uris: (baseUrl) => ({
      callback: `${trimBase(baseUrl)}/login/callback`,
      signOut: trimBase(baseUrl),
    }),
    app: {
      applicationType: 'browser',
      grantTypes: ['authorization_code'],
      pkceRequired: true,
      tokenEndpointAuthMethod: 'none',
      consentMethod: 'TRUSTED',
      implicitAssignment: false,
    },
    issuer: DEFAULT_SERVER_ISSUER,
    notes: {
      callback: 'Okta’s default for single-page apps (okta-auth-js’s LoginCallback route).',
    },
  },
  native: {
    id: 'native',
    name: 'Native app',
    description:
      'A desktop or mobile app: authorization code with PKCE, a loopback or custom-scheme redirect.',
    defaultBaseUrl: 'http://127.0.0.1:8250',
    defaultClientKey: undefined,
    uris: (baseUrl) => ({ callback: `${trimBase(baseUrl)}/callback`, signOut: undefined }),
    app: {
      applicationType: 'native',
      grantTypes: ['authorization_code', 'refresh_token'],
      pkceRequired: true,
      tokenEndpointAuthMethod: 'none',
      consentMethod: 'TRUSTED',
      implicitAssignment: false,
    },
    issuer: { kind: 'org', issuerMode: 'ORG_URL' },
    notes: {
      callback:
        'Use a loopback address (RFC 8252 recommends 127.0.0.1 over localhost) or your app’s own scheme, e.g. com.example.app:/callback.',
    },
  },
};

/**
 * A fresh setup document for a preset: the target's defaults filled in from its base URL.
 *
 * @remarks
 * What `sso-console init` writes and what the wizard starts from. Single-page apps get their
 * origin as a trusted origin (CORS for `/token`, redirect for sign-out), since the browser
 * calls Okta from that origin.
 */
export function createSetupDocument(options: {
  /** A fresh unique id (e.g. `crypto.randomUUID()`); the caller's runtime provides it. */
  id: string;
  preset: PresetId;
  baseUrl?: string;
  label?: string;
  clientKey?: string;
}): SetupDocument {
  const preset = PRESETS[options.preset];
  const baseUrl = trimBase(options.baseUrl ?? preset.defaultBaseUrl);
  const clientKey = options.clientKey ?? preset.defaultClientKey;
  const { callback, signOut } = preset.uris(baseUrl, clientKey);
  const origin = URL.canParse(baseUrl) ? new URL(baseUrl).origin : baseUrl;
  return {
    formatVersion: SETUP_DOCUMENT_VERSION,
    id: options.id,
    target: { preset: preset.id, baseUrl, ...(clientKey === undefined ? {} : { clientKey }) },
    app: {
      label: options.label ?? preset.name,
      ...preset.app,
      redirectUris: [callback],
      postLogoutRedirectUris: signOut === undefined ? [] : [signOut],
    },
    trustedOrigins:
      preset.app.applicationType === 'browser'
        ? [
            {
              name: `${options.label ?? preset.name} (${origin})`,
              origin,
              scopes: ['CORS', 'REDIRECT'],
            },
          ]
        : [],
    assignments: { users: [], groups: [] },
    issuer: structuredClone(preset.issuer),
  };
}
