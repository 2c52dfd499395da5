import type { ExportTargetId } from '../export/export-targets.ts';
import { withoutTrailingSlashes } from '../text.ts';
import {
  type AppSettings,
  type IssuerSettings,
  PRESET_IDS,
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
  /**
   * The target's own address that starts a sign-in when opened (Okta's "Initiate login URI"),
   * for targets that start one on a plain GET; `undefined` for targets that start it only from
   * a form post with a CSRF token (GitLab, Auth.js) or have no such address.
   */
  initiateLogin: string | undefined;
}

/**
 * How the wizard's target step groups the presets: the apps with their own config file, the
 * libraries an app is built with, and the generic app types.
 */
export const PRESET_CATEGORIES = ['app', 'framework', 'generic'] as const;

/** One of {@link PRESET_CATEGORIES}. */
export type PresetCategory = (typeof PRESET_CATEGORIES)[number];

/** Each category's heading in the wizard. */
export const PRESET_CATEGORY_TITLES: Readonly<Record<PresetCategory, string>> = {
  app: 'Self-hosted apps',
  framework: 'Frameworks and libraries',
  generic: 'Generic app types',
};

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
  /** Where the wizard lists it. */
  category: PresetCategory;
  /**
   * The export target that writes this app's own config (the same id), or `undefined` for the
   * generic presets, whose apps take one of the generic formats. The preset and the export's
   * target are one choice: see {@link presetForExportTarget}.
   */
  exportTarget: ExportTargetId | undefined;
  /** Other words an admin may search for it by (the product's other names, what it is). */
  keywords: readonly string[];
  /** The base URL a fresh document starts with (the target's usual local address). */
  defaultBaseUrl: string;
  /** The callback's last segment, for targets that name their client in the URL. */
  defaultClientKey: string | undefined;
  uris(baseUrl: string, clientKey: string | undefined): PresetUris;
  /**
   * Sign-in redirect URIs registered beside the callback that do not follow the base URL, e.g.
   * Vault's CLI listener `http://localhost:8250/oidc/callback`.
   */
  extraRedirectUris?: readonly string[];
  app: Omit<
    AppSettings,
    'label' | 'existingAppId' | 'redirectUris' | 'postLogoutRedirectUris' | 'initiateLoginUri'
  >;
  issuer: IssuerSettings;
  /** Target-specific facts the wizard shows, keyed by the field they concern. */
  notes: Partial<Record<'callback' | 'issuer' | 'scopes' | 'clientKey', string>>;
}

/** `http://host:port/` → `http://host:port`: the targets join paths onto a base without one. */
function trimBase(baseUrl: string): string {
  return withoutTrailingSlashes(baseUrl.trim());
}

/**
 * Go's `url.PathEscape`: a path segment with every byte outside its unreserved set
 * percent-encoded, as Gitea escapes an authentication source's name in its callback.
 */
export function goPathEscape(segment: string): string {
  // A lone surrogate (possible in a name read from JSON) is U+FFFD, as UTF-8 encoding makes it;
  // encodeURIComponent would throw on it.
  const wellFormed = segment.replaceAll(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
  // encodeURIComponent leaves !'()* as they are and encodes $&+:=@, which Go does the other way.
  return encodeURIComponent(wellFormed)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%(24|26|2B|3A|3D|40)/g, (_escape, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
}

const WEB_APP: Preset['app'] = {
  applicationType: 'web',
  grantTypes: ['authorization_code'],
  pkceRequired: false,
  tokenEndpointAuthMethod: 'client_secret_basic',
  consentMethod: 'TRUSTED',
  implicitAssignment: false,
};

/**
 * A web app with a secret that also sends PKCE (S256): Grafana (`use_pkce`, on by default),
 * Argo CD (`enablePKCEAuthentication`), oauth2-proxy (`code_challenge_method`), GitLab (`pkce`)
 * and Auth.js (`checks: ["pkce", "state"]`). Requiring it makes Okta refuse a code redeemed
 * without the verifier, and the exports write the target's PKCE switch from `pkceRequired`.
 */
const WEB_APP_WITH_PKCE: Preset['app'] = { ...WEB_APP, pkceRequired: true };

/** The `default` custom server every org has, asked for the usual OIDC scopes. */
const DEFAULT_SERVER_ISSUER: IssuerSettings = {
  kind: 'custom',
  server: { kind: 'existing', id: 'default' },
  issuerMode: 'ORG_URL',
  scopes: ['openid', 'email', 'profile'],
};

/**
 * A `groups` claim that releases every group of the user: the filter Grafana's Okta guide sets
 * (Matches regex `.*`), and the one Argo CD's RBAC reads. Okta caps the claim at 100 groups;
 * the admin narrows the filter in the issuer step.
 */
const ALL_GROUPS_CLAIM = {
  type: 'FILTER',
  name: 'groups',
  filterType: 'REGEX',
  value: '.*',
} as const;

/**
 * The presets: Kestra and Kaimu first (the guides the product was created from), then the other
 * apps with an export target of their own, then the generic app types.
 *
 * @remarks
 * Each target's facts are from its own documentation (`../shared/reference/targets.md`, with
 * sources) and agree with its exporter in `main/export/targets/`: a unit test exports every
 * preset's document, reads the file back the way the target reads it, and checks that the target
 * sends the preset's callback and authenticates the way the preset registers it.
 */
export const PRESETS: Record<PresetId, Preset> = {
  kestra: {
    id: 'kestra',
    name: 'Kestra',
    description:
      'Kestra Enterprise signing in through Micronaut Security: a web app with a client secret, issuer = your Okta URL.',
    category: 'app',
    exportTarget: 'kestra',
    keywords: ['micronaut', 'workflow', 'orchestration'],
    defaultBaseUrl: 'http://localhost:8080',
    defaultClientKey: 'okta',
    uris: (baseUrl, clientKey) => ({
      callback: `${trimBase(baseUrl)}/oauth/callback/${clientKey ?? 'okta'}`,
      signOut: `${trimBase(baseUrl)}/logout`,
      // Kestra's Okta guide sets only the two redirect URIs (Micronaut's login route,
      // /oauth/login/<key>, could serve as one, but the guide does not use it).
      initiateLogin: undefined,
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
    category: 'app',
    exportTarget: 'kaimu',
    keywords: ['go-oidc'],
    defaultBaseUrl: 'http://localhost:3000',
    defaultClientKey: 'okta',
    uris: (baseUrl, clientKey) => ({
      callback: `${trimBase(baseUrl)}/auth/oidc/${clientKey ?? 'okta'}/callback`,
      // Kaimu has no RP-initiated logout (targets.md §3).
      signOut: undefined,
      initiateLogin: undefined,
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
  grafana: {
    id: 'grafana',
    name: 'Grafana',
    description:
      'Grafana’s Okta sign-in ([auth.okta]): a web app with a secret and PKCE, and a groups claim for role mapping.',
    category: 'app',
    exportTarget: 'grafana',
    keywords: ['dashboards', 'monitoring', 'observability', 'grafana.ini'],
    defaultBaseUrl: 'http://localhost:3000',
    defaultClientKey: undefined,
    // Grafana builds every address from [server] root_url (targets.md §4): its Okta login
    // route both starts the sign-in and receives the callback.
    uris: (baseUrl) => ({
      callback: `${trimBase(baseUrl)}/login/okta`,
      signOut: `${trimBase(baseUrl)}/logout`,
      initiateLogin: `${trimBase(baseUrl)}/login/okta`,
    }),
    // Grafana's Okta guide: Authorization Code and Refresh Token; use_pkce is on by default.
    app: { ...WEB_APP_WITH_PKCE, grantTypes: ['authorization_code', 'refresh_token'] },
    // The guide's endpoints are the org server's, with the app's own groups claim (Sign On tab,
    // "Matches regex .*"), which Okta releases to requests with the groups scope.
    issuer: { kind: 'org', issuerMode: 'ORG_URL', groupsClaim: ALL_GROUPS_CLAIM },
    notes: {
      callback:
        'Grafana sends <root_url>/login/okta: the base URL must be [server] root_url exactly, as browsers reach Grafana.',
      issuer:
        'Grafana’s Okta guide uses the org authorization server’s endpoints; Grafana does not read discovery, so the export writes auth_url, token_url and api_url out.',
      scopes:
        'Grafana asks for openid profile email groups and maps roles from the groups claim (role_attribute_path). On a custom authorization server, the setup creates the groups scope and claim there.',
    },
  },
  argocd: {
    id: 'argocd',
    name: 'Argo CD',
    description:
      'Argo CD’s OIDC sign-in without Dex: a web app with a secret and PKCE, and a groups claim for RBAC on the default custom server.',
    category: 'app',
    exportTarget: 'argocd',
    keywords: ['argo', 'kubernetes', 'gitops', 'argocd-cm'],
    // `kubectl port-forward svc/argocd-server -n argocd 8080:443`: Argo CD serves TLS itself.
    defaultBaseUrl: 'https://localhost:8080',
    defaultClientKey: undefined,
    uris: (baseUrl) => ({
      callback: `${trimBase(baseUrl)}/auth/callback`,
      signOut: trimBase(baseUrl),
      initiateLogin: `${trimBase(baseUrl)}/auth/login`,
    }),
    app: WEB_APP_WITH_PKCE,
    // Argo CD's Okta guide: a custom server with a groups scope and a groups claim in the ID
    // token, Always (its alternative is the default server, used here).
    issuer: {
      kind: 'custom',
      server: { kind: 'existing', id: 'default' },
      issuerMode: 'ORG_URL',
      scopes: ['openid', 'profile', 'email', 'groups'],
      groupsClaim: ALL_GROUPS_CLAIM,
    },
    notes: {
      callback:
        'Argo CD sends <url>/auth/callback, from the url key of argocd-cm: the base URL must be that url exactly. The argocd CLI needs its own single-page app (http://localhost:8085/auth/callback).',
      issuer:
        'Argo CD’s Okta guide uses a custom authorization server with a groups scope and claim, which needs API Access Management. go-oidc refuses the issuer unless it equals discovery’s exactly.',
      scopes:
        'Argo CD asks for openid profile email groups; its RBAC (argocd-rbac-cm policy.csv) matches the groups claim. The claim releases every group (regex .*): narrow it to the groups Argo CD needs.',
    },
  },
  gitlab: {
    id: 'gitlab',
    name: 'GitLab',
    description:
      'GitLab (Linux package) with its OpenID Connect OmniAuth provider: a web app with a secret and PKCE.',
    category: 'app',
    exportTarget: 'gitlab',
    keywords: ['git', 'omniauth', 'gitlab.rb', 'devops'],
    defaultBaseUrl: 'http://localhost',
    defaultClientKey: undefined,
    // GitLab starts a sign-in only from a form post with a CSRF token, so it has no initiate
    // login URI; its sign-out redirect is not documented (targets.md §5).
    uris: (baseUrl) => ({
      callback: `${trimBase(baseUrl)}/users/auth/openid_connect/callback`,
      signOut: undefined,
      initiateLogin: undefined,
    }),
    app: WEB_APP_WITH_PKCE,
    issuer: { kind: 'org', issuerMode: 'ORG_URL' },
    notes: {
      callback:
        'GitLab sends <external_url>/users/auth/<provider name>/callback; the export names the provider openid_connect. The base URL must be gitlab.rb’s external_url.',
      issuer:
        'omniauth_openid_connect reads discovery at the issuer (discovery: true) and checks the token’s iss against it.',
      scopes: 'GitLab asks for openid profile email, and sends client_auth_method basic.',
    },
  },
  gitea: {
    id: 'gitea',
    name: 'Gitea / Forgejo',
    description:
      'Gitea or Forgejo with an OpenID Connect authentication source (admin auth add-oauth): a web app with a client secret.',
    category: 'app',
    exportTarget: 'gitea',
    keywords: ['forgejo', 'git', 'code hosting', 'app.ini', 'add-oauth', 'devops'],
    defaultBaseUrl: 'http://localhost:3000',
    // The authentication source's name (--name): the button's label and the callback's segment.
    defaultClientKey: 'okta',
    uris: (baseUrl, clientKey) => ({
      callback: `${trimBase(baseUrl)}/user/oauth2/${goPathEscape(clientKey ?? 'okta')}/callback`,
      // RP-initiated logout is in no Gitea release yet (targets.md §17).
      signOut: undefined,
      initiateLogin: `${trimBase(baseUrl)}/user/oauth2/${goPathEscape(clientKey ?? 'okta')}`,
    }),
    // Released Gitea and Forgejo send no PKCE, so requiring it would fail every token exchange.
    app: WEB_APP,
    issuer: { kind: 'org', issuerMode: 'ORG_URL', groupsClaim: ALL_GROUPS_CLAIM },
    notes: {
      clientKey:
        'The authentication source’s name (--name): Gitea shows it on the sign-in button and uses it as the callback’s segment, <ROOT_URL>user/oauth2/<name>/callback. Renaming the source breaks the callback.',
      callback:
        'Gitea builds the callback from [server] ROOT_URL: the base URL must be ROOT_URL exactly, as browsers reach Gitea.',
      issuer:
        'Gitea reads discovery at --auto-discover-url (the issuer’s /.well-known/openid-configuration) and checks the ID token’s iss against discovery’s issuer.',
      scopes:
        'Without --scopes Gitea asks only for openid, and Okta then sends no email: the export passes openid, profile and email (and groups for the groups claim).',
    },
  },
  jenkins: {
    id: 'jenkins',
    name: 'Jenkins',
    description:
      'Jenkins with the OpenID Connect Authentication plugin, as Configuration as Code: a web app with a secret and PKCE, and a groups claim for authorization.',
    category: 'app',
    exportTarget: 'jenkins',
    keywords: ['ci', 'jcasc', 'configuration as code', 'oic-auth', 'pipelines'],
    defaultBaseUrl: 'http://localhost:8080',
    defaultClientKey: undefined,
    uris: (baseUrl) => ({
      callback: `${trimBase(baseUrl)}/securityRealm/finishLogin`,
      // postLogoutRedirectUrl: the root URL, which Jenkins keeps with its trailing slash.
      signOut: `${trimBase(baseUrl)}/`,
      initiateLogin: `${trimBase(baseUrl)}/securityRealm/commenceLogin`,
    }),
    // The plugin sends S256 with its pkce property (targets.md §15).
    app: WEB_APP_WITH_PKCE,
    issuer: { kind: 'org', issuerMode: 'ORG_URL', groupsClaim: ALL_GROUPS_CLAIM },
    notes: {
      callback:
        'Jenkins sends <root URL>securityRealm/finishLogin, from Manage Jenkins › System › Jenkins URL (unclassified.location.url): the base URL must be that address.',
      issuer:
        'The plugin reads Okta’s discovery document (wellKnownOpenIDConfigurationUrl = issuer + /.well-known/openid-configuration).',
      scopes:
        'Without scopesOverride the plugin asks for every scope discovery lists; the export writes openid profile email (and groups) instead.',
    },
  },
  harbor: {
    id: 'harbor',
    name: 'Harbor',
    description:
      'Harbor’s OIDC authentication mode: a web app with a secret, PKCE and refresh tokens, and a groups claim on the default custom server.',
    category: 'app',
    exportTarget: 'harbor',
    keywords: ['registry', 'container registry', 'docker', 'oci', 'helm', 'goharbor'],
    defaultBaseUrl: 'https://localhost',
    defaultClientKey: undefined,
    uris: (baseUrl) => ({
      callback: `${trimBase(baseUrl)}/c/oidc/callback`,
      // oidc_logout (Harbor 2.13+) returns to the sign-in page.
      signOut: `${trimBase(baseUrl)}/account/sign-in`,
      // Harbor's portal starts its OIDC sign-in itself; no GET address for it was confirmed.
      initiateLogin: undefined,
    }),
    // Harbor sends S256 since 2.13, and needs the refresh token behind its CLI secrets.
    app: { ...WEB_APP_WITH_PKCE, grantTypes: ['authorization_code', 'refresh_token'] },
    issuer: {
      kind: 'custom',
      server: { kind: 'existing', id: 'default' },
      issuerMode: 'ORG_URL',
      scopes: ['openid', 'profile', 'email', 'offline_access', 'groups'],
      groupsClaim: ALL_GROUPS_CLAIM,
    },
    notes: {
      callback:
        'Harbor sends <external_url>/c/oidc/callback: the base URL must be harbor.yml’s external_url (or https://<hostname>), as browsers reach Harbor.',
      issuer:
        'oidc_endpoint is the issuer; go-oidc refuses it unless it equals discovery’s issuer exactly (no trailing slash).',
      scopes:
        'Harbor has no default scopes. offline_access gives Harbor the refresh token its CLI secrets (docker login) depend on; groups feeds oidc_groups_claim and oidc_admin_group.',
    },
  },
  vault: {
    id: 'vault',
    name: 'HashiCorp Vault',
    description:
      'Vault’s OIDC auth method (UI and vault login -method=oidc): a web app with a secret and PKCE, groups from the default custom server.',
    category: 'app',
    exportTarget: 'vault',
    keywords: ['hashicorp', 'secrets', 'oidc auth method', 'vault login'],
    defaultBaseUrl: 'http://localhost:8200',
    defaultClientKey: undefined,
    // The UI's callback on the auth method mounted at oidc/; Vault signs out of itself only, and
    // its login page needs a click to start.
    uris: (baseUrl) => ({
      callback: `${trimBase(baseUrl)}/ui/vault/auth/oidc/oidc/callback`,
      signOut: undefined,
      initiateLogin: undefined,
    }),
    // `vault login -method=oidc` listens here with its defaults (port 8250, localhost).
    extraRedirectUris: ['http://localhost:8250/oidc/callback'],
    // Vault always sends S256 in the code flow.
    app: WEB_APP_WITH_PKCE,
    issuer: {
      kind: 'custom',
      server: { kind: 'existing', id: 'default' },
      issuerMode: 'ORG_URL',
      scopes: ['openid', 'profile', 'email', 'groups'],
      groupsClaim: ALL_GROUPS_CLAIM,
    },
    notes: {
      callback:
        'Vault’s UI sends <Vault address>/ui/vault/auth/oidc/oidc/callback (the mount is the middle oidc); the CLI sends http://localhost:8250/oidc/callback. Both must be registered in Okta and in the role’s allowed_redirect_uris.',
      issuer:
        'oidc_discovery_url is the issuer, exactly as discovery states it: Vault (go-oidc) refuses any other string.',
      scopes:
        'Vault always asks for openid and adds the role’s oidc_scopes; Vault’s Okta page asks for profile, and groups feeds the role’s groups_claim.',
    },
  },
  outline: {
    id: 'outline',
    name: 'Outline',
    description:
      'Outline’s OIDC sign-in (OIDC_* environment): a web app that posts its client secret, on the org authorization server.',
    category: 'app',
    exportTarget: 'outline',
    keywords: ['wiki', 'knowledge base', 'docs', 'notion'],
    defaultBaseUrl: 'http://localhost:3000',
    defaultClientKey: undefined,
    uris: (baseUrl) => ({
      callback: `${trimBase(baseUrl)}/auth/oidc.callback`,
      signOut: undefined,
      initiateLogin: `${trimBase(baseUrl)}/auth/oidc`,
    }),
    // Outline's OIDC strategy posts the secret in the body and, with explicit endpoints, sends
    // no PKCE (targets.md §11).
    app: {
      ...WEB_APP,
      grantTypes: ['authorization_code', 'refresh_token'],
      tokenEndpointAuthMethod: 'client_secret_post',
    },
    issuer: { kind: 'org', issuerMode: 'ORG_URL' },
    notes: {
      callback:
        'Outline sends <URL>/auth/oidc.callback: the base URL must be Outline’s URL variable exactly, as browsers reach it.',
      issuer:
        'Outline takes the authorize, token and userinfo endpoints one by one; the export copies them from discovery.',
      scopes:
        'Outline asks for openid profile email (OIDC_SCOPES) and refuses a user whose userinfo has no email.',
    },
  },
  jupyterhub: {
    id: 'jupyterhub',
    name: 'JupyterHub',
    description:
      'JupyterHub with oauthenticator’s GenericOAuthenticator: a web app with a secret and PKCE, and the groups claim in the ID token.',
    category: 'app',
    exportTarget: 'jupyterhub',
    keywords: ['jupyter', 'notebooks', 'oauthenticator', 'python', 'data science'],
    defaultBaseUrl: 'http://localhost:8000',
    defaultClientKey: undefined,
    uris: (baseUrl) => ({
      callback: `${trimBase(baseUrl)}/hub/oauth_callback`,
      // logout_redirect_url is a static address, with no RP-initiated logout (targets.md §20).
      signOut: undefined,
      // The hub's OAuth login handler redirects to the sign-in.
      initiateLogin: `${trimBase(baseUrl)}/hub/oauth_login`,
    }),
    // enable_pkce is on by default since oauthenticator 17.1; basic_auth = True matches Okta's
    // default client authentication.
    app: WEB_APP_WITH_PKCE,
    // The org server puts the groups claim in the ID token only: userdata_from_id_token reads it.
    issuer: { kind: 'org', issuerMode: 'ORG_URL', groupsClaim: ALL_GROUPS_CLAIM },
    notes: {
      callback:
        'JupyterHub receives the sign-in at <hub URL>/hub/oauth_callback (oauth_callback_url): the base URL is the hub’s public address, with JupyterHub’s base_url if it has one.',
      issuer:
        'GenericOAuthenticator reads no discovery: the export writes the authorize and token endpoints out, and takes the user’s claims from the ID token.',
      scopes:
        'GenericOAuthenticator asks for no scope unless told: the export sets openid, profile and email (and groups for manage_groups).',
    },
  },
  'oauth2-proxy': {
    id: 'oauth2-proxy',
    name: 'oauth2-proxy',
    description:
      'oauth2-proxy in front of any web app: a web app with a secret and PKCE, on the default custom server.',
    category: 'app',
    exportTarget: 'oauth2-proxy',
    keywords: ['proxy', 'reverse proxy', 'nginx', 'auth_request', 'ingress'],
    defaultBaseUrl: 'http://localhost:4180',
    defaultClientKey: undefined,
    uris: (baseUrl) => ({
      callback: `${trimBase(baseUrl)}/oauth2/callback`,
      signOut: trimBase(baseUrl),
      // oauth2-proxy's /oauth2/start redirects to the sign-in.
      initiateLogin: `${trimBase(baseUrl)}/oauth2/start`,
    }),
    // oauth2-proxy's Okta example: Authorization Code and Refresh Token.
    app: { ...WEB_APP_WITH_PKCE, grantTypes: ['authorization_code', 'refresh_token'] },
    issuer: DEFAULT_SERVER_ISSUER,
    notes: {
      callback:
        'oauth2-proxy sends <proxy>/oauth2/callback (redirect_url): the base URL is where browsers reach the proxy.',
      issuer:
        'oauth2-proxy’s Okta example uses the default custom authorization server; go-oidc refuses the issuer unless it equals discovery’s exactly.',
      scopes:
        'oauth2-proxy asks for openid email profile and refuses a user whose email is not verified (email_verified must be true in the ID token).',
    },
  },
  'spring-boot': {
    id: 'spring-boot',
    name: 'Spring Boot',
    description:
      'A Spring Boot app with okta-spring-boot-starter: a web app with a client secret, on the default custom server.',
    category: 'framework',
    exportTarget: 'spring-boot',
    keywords: ['java', 'spring security', 'okta-spring-boot-starter', 'application.yml'],
    defaultBaseUrl: 'http://localhost:8080',
    defaultClientKey: undefined,
    uris: (baseUrl) => ({
      callback: `${trimBase(baseUrl)}/login/oauth2/code/okta`,
      signOut: trimBase(baseUrl),
      // Spring Security's authorization request endpoint for the registration named okta.
      initiateLogin: `${trimBase(baseUrl)}/oauth2/authorization/okta`,
    }),
    // Spring Security sends PKCE only for public clients, so a confidential app does not
    // require it (the export warns if it is turned on).
    app: WEB_APP,
    issuer: DEFAULT_SERVER_ISSUER,
    notes: {
      callback:
        'Spring Security receives the sign-in at /login/oauth2/code/okta, the registration’s id.',
      issuer:
        'The starter validates the issuer at start-up: it must be https in production. Its resource-server support needs a custom authorization server’s access tokens.',
      scopes:
        'The export writes okta.oauth2.scopes; the starter maps a groups claim (okta.oauth2.groups-claim) to authorities when the setup adds one.',
    },
  },
  authjs: {
    id: 'authjs',
    name: 'Auth.js',
    description:
      'A Next.js app with Auth.js (NextAuth v5) and its Okta provider: a web app with a secret and PKCE.',
    category: 'framework',
    exportTarget: 'authjs',
    keywords: ['nextauth', 'next-auth', 'next.js', 'nextjs', 'react', 'javascript'],
    defaultBaseUrl: 'http://localhost:3000',
    defaultClientKey: undefined,
    // Auth.js signs in from a form post with a CSRF token and has no RP-initiated logout.
    uris: (baseUrl) => ({
      callback: `${trimBase(baseUrl)}/api/auth/callback/okta`,
      signOut: undefined,
      initiateLogin: undefined,
    }),
    app: WEB_APP_WITH_PKCE,
    issuer: { kind: 'org', issuerMode: 'ORG_URL' },
    notes: {
      callback:
        'Auth.js receives the sign-in at <origin>/api/auth/callback/okta in a Next.js app (AUTH_URL pins the origin).',
      issuer: 'Auth.js reads discovery at AUTH_OKTA_ISSUER.',
      scopes: 'The Okta provider asks for openid profile email; other scopes need code in auth.ts.',
    },
  },
  web: {
    id: 'web',
    name: 'Web app (generic)',
    description: 'Any server-side web app using the authorization code flow with a client secret.',
    category: 'generic',
    exportTarget: undefined,
    keywords: ['server', 'backend', 'confidential', 'oidc'],
    defaultBaseUrl: 'http://localhost:8080',
    defaultClientKey: undefined,
    uris: (baseUrl) => ({
      callback: `${trimBase(baseUrl)}/authorization-code/callback`,
      signOut: trimBase(baseUrl),
      initiateLogin: undefined,
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
    category: 'generic',
    exportTarget: undefined,
    keywords: ['browser', 'react', 'angular', 'vue', 'javascript', 'public client'],
    defaultBaseUrl: 'http://localhost:5173',
    defaultClientKey: undefined,
    uris: (baseUrl) => ({
      callback: `${trimBase(baseUrl)}/login/callback`,
      signOut: trimBase(baseUrl),
      initiateLogin: undefined,
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
    category: 'generic',
    exportTarget: undefined,
    keywords: ['desktop', 'mobile', 'cli', 'loopback', 'public client'],
    defaultBaseUrl: 'http://127.0.0.1:8250',
    defaultClientKey: undefined,
    uris: (baseUrl) => ({
      callback: `${trimBase(baseUrl)}/callback`,
      signOut: undefined,
      initiateLogin: undefined,
    }),
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
 * The export formats that are not one app's own config: `.okta.env`, `.env`, JSON and Terraform
 * go with any preset. Every other export target is an app's, and has its preset.
 */
export const GENERIC_EXPORT_TARGET_IDS = [
  'okta-env',
  'dotenv',
  'json',
  'terraform',
] as const satisfies readonly ExportTargetId[];

/** Whether `target` is one of the {@link GENERIC_EXPORT_TARGET_IDS}. */
export function isGenericExportTarget(target: string): boolean {
  return (GENERIC_EXPORT_TARGET_IDS as readonly string[]).includes(target);
}

/**
 * The preset whose app an export target writes the config of, or `undefined` for a generic
 * format (or an id no preset claims).
 *
 * @remarks
 * The preset and the export's target are one choice: the setup made for a preset exports, by
 * default, to its target, and `sso-console init --target ID` takes the export target's id.
 */
export function presetForExportTarget(target: string): PresetId | undefined {
  return Object.values(PRESETS).find((preset) => preset.exportTarget === target)?.id;
}

/** Whether `value` names a preset (e.g. a `--target` typed on the command line). */
export function isPresetId(value: string): value is PresetId {
  return Object.hasOwn(PRESETS, value);
}

/** The presets in the order the wizard and `--help` list them. */
export function presetsInOrder(): Preset[] {
  return PRESET_IDS.map((id) => PRESETS[id]);
}

/**
 * The preset's callback rule as its documentation states it, e.g. `<base URL>/login/okta`:
 * the callback built from a stand-in base URL (and client key), for lists and help texts.
 */
export function callbackRule(preset: Preset): string {
  return preset.uris(
    '<base URL>',
    preset.defaultClientKey === undefined ? undefined : '<client key>',
  ).callback;
}

/**
 * The presets an admin's search text finds: every word of the text appears in the preset's
 * name, id, description or keywords (case-insensitive), in list order; all for blank text.
 */
export function searchPresets(text: string): Preset[] {
  const words = text
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word !== '');
  return presetsInOrder().filter((preset) => {
    const haystack = [preset.name, preset.id, preset.description, ...preset.keywords]
      .join(' ')
      .toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

/**
 * The document's initiate login URI moved to a new base URL or client key, when it is still
 * the one its preset derived from the old ones; an address the admin typed stays theirs.
 *
 * @remarks
 * The same rule as the wizard's sign-in and sign-out redirect URIs follow when the base URL
 * changes, for the one URI that is not a list.
 */
export function followInitiateLoginUri(
  document: SetupDocument,
  before: Pick<SetupDocument['target'], 'baseUrl' | 'clientKey'>,
): void {
  const preset = PRESETS[document.target.preset];
  const oldUri = preset.uris(before.baseUrl, before.clientKey).initiateLogin;
  const newUri = preset.uris(document.target.baseUrl, document.target.clientKey).initiateLogin;
  if (oldUri !== undefined && document.app.initiateLoginUri === oldUri) {
    if (newUri === undefined) {
      delete document.app.initiateLoginUri;
    } else {
      document.app.initiateLoginUri = newUri;
    }
  }
}

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
  const { callback, signOut, initiateLogin } = preset.uris(baseUrl, clientKey);
  const origin = URL.canParse(baseUrl) ? new URL(baseUrl).origin : baseUrl;
  return {
    formatVersion: SETUP_DOCUMENT_VERSION,
    id: options.id,
    target: { preset: preset.id, baseUrl, ...(clientKey === undefined ? {} : { clientKey }) },
    app: {
      label: options.label ?? preset.name,
      ...preset.app,
      grantTypes: [...preset.app.grantTypes],
      redirectUris: [callback, ...(preset.extraRedirectUris ?? [])],
      postLogoutRedirectUris: signOut === undefined ? [] : [signOut],
      ...(initiateLogin === undefined ? {} : { initiateLoginUri: initiateLogin }),
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
