import { describe, expect, it } from 'vitest';

import { listTargets } from '../../../../main/cli/export-command.ts';
import { allExporters, exporterFor } from '../../../../main/export/targets/index.ts';
import {
  EXPORT_TARGET_IDS,
  type ExportTargetInfo,
} from '../../../../shared/export/export-targets.ts';
import {
  callbackRule,
  createSetupDocument,
  followInitiateLoginUri,
  GENERIC_EXPORT_TARGET_IDS,
  goPathEscape,
  isGenericExportTarget,
  presetForExportTarget,
  PRESETS,
  presetsInOrder,
  searchPresets,
} from '../../../../shared/setup/presets.ts';
import {
  parseSetupDocument,
  PRESET_IDS,
  type PresetId,
} from '../../../../shared/setup/setup-document.ts';
import { lintRedirectUris } from '../../../../shared/setup/uri-lint.ts';
import { exportInputFor } from '../../../support/export-fixtures.ts';

describe('createSetupDocument', () => {
  it('sets Kestra up as its guide does: web app, /oauth/callback/<key>, /logout, org issuer as ORG_URL', () => {
    const document = createSetupDocument({
      id: 'setup-1',
      preset: 'kestra',
      baseUrl: 'https://kestra.example.com/',
    });
    expect(document.target).toEqual({
      preset: 'kestra',
      baseUrl: 'https://kestra.example.com',
      clientKey: 'okta',
    });
    expect(document.app).toMatchObject({
      label: 'Kestra',
      applicationType: 'web',
      grantTypes: ['authorization_code'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      redirectUris: ['https://kestra.example.com/oauth/callback/okta'],
      postLogoutRedirectUris: ['https://kestra.example.com/logout'],
      implicitAssignment: false,
    });
    expect(document.issuer).toEqual({ kind: 'org', issuerMode: 'ORG_URL' });
    expect(document.trustedOrigins).toEqual([]);
  });

  it('puts the Micronaut client key in the Kestra callback', () => {
    const document = createSetupDocument({
      id: 'setup-1',
      preset: 'kestra',
      clientKey: 'corp-okta',
    });
    expect(document.app.redirectUris).toEqual(['http://localhost:8080/oauth/callback/corp-okta']);
  });

  it('sets Kaimu up on the default server with its slug callback and no sign-out URI', () => {
    const document = createSetupDocument({
      id: 'setup-1',
      preset: 'kaimu',
      label: 'Kaimu (staging)',
    });
    expect(document.app.label).toBe('Kaimu (staging)');
    expect(document.app.redirectUris).toEqual(['http://localhost:3000/auth/oidc/okta/callback']);
    expect(document.app.postLogoutRedirectUris).toEqual([]);
    expect(document.issuer).toEqual({
      kind: 'custom',
      server: { kind: 'existing', id: 'default' },
      issuerMode: 'ORG_URL',
      scopes: ['openid', 'email', 'profile'],
    });
  });

  it('gives a single-page app PKCE, no secret, and its origin as a CORS trusted origin', () => {
    const document = createSetupDocument({
      id: 'setup-1',
      preset: 'spa',
      baseUrl: 'https://app.example.com/ui/',
    });
    expect(document.app).toMatchObject({
      applicationType: 'browser',
      tokenEndpointAuthMethod: 'none',
      pkceRequired: true,
      redirectUris: ['https://app.example.com/ui/login/callback'],
    });
    expect(document.trustedOrigins).toEqual([
      {
        name: 'Single-page app (https://app.example.com)',
        origin: 'https://app.example.com',
        scopes: ['CORS', 'REDIRECT'],
      },
    ]);
  });

  it.each(PRESET_IDS)('gives %s a valid document whose callback passes the lint', (preset) => {
    const document = parseSetupDocument(createSetupDocument({ id: 'setup-1', preset }));
    const { callback } = PRESETS[preset].uris(document.target.baseUrl, document.target.clientKey);
    expect(
      lintRedirectUris(document.app.redirectUris, {
        kind: 'sign-in',
        expected: callback,
        applicationType: document.app.applicationType,
      }),
    ).toEqual([]);
  });

  it('never shares the preset’s issuer object between documents', () => {
    const first = createSetupDocument({ id: 'setup-1', preset: 'kaimu' });
    if (first.issuer.kind === 'custom') {
      first.issuer.scopes.push('groups');
    }
    expect(PRESETS.kaimu.issuer).toMatchObject({ scopes: ['openid', 'email', 'profile'] });
  });
});

/** The ids `sso-console export --list-targets --json` prints: the catalogue an admin sees. */
function listedTargetIds(): string[] {
  const listed = JSON.parse(listTargets(true)) as { targets: ExportTargetInfo[] };
  return listed.targets.map((target) => target.id);
}

/** The presets that have an export target of their own. */
const APP_PRESETS = PRESET_IDS.filter((id) => PRESETS[id].exportTarget !== undefined);

describe('the presets and the export targets are one list', () => {
  it('has a preset, of the same id, for every app target that export --list-targets --json prints', () => {
    const appTargets = listedTargetIds().filter((id) => !isGenericExportTarget(id));
    const withoutPreset = appTargets.filter((id) => presetForExportTarget(id) !== id);
    expect(
      withoutPreset,
      `These export targets have no preset in shared/setup/presets.ts (add one with the target's callback rule, or list the format in GENERIC_EXPORT_TARGET_IDS if it goes with any app): ${withoutPreset.join(', ')}`,
    ).toEqual([]);
    expect(appTargets.length).toBeGreaterThanOrEqual(8);
  });

  it('lists every shared target id and every registered exporter the same way', () => {
    expect(listedTargetIds()).toEqual(allExporters().map((exporter) => exporter.id));
    expect([...listedTargetIds()].sort()).toEqual([...EXPORT_TARGET_IDS].sort());
  });

  it('names only real export targets, each once, and only verifiable ones for apps', () => {
    for (const id of GENERIC_EXPORT_TARGET_IDS) {
      expect(EXPORT_TARGET_IDS).toContain(id);
      expect(presetForExportTarget(id)).toBeUndefined();
    }
    const claimed = APP_PRESETS.map((id) => PRESETS[id].exportTarget);
    expect(new Set(claimed).size).toBe(claimed.length);
    for (const id of APP_PRESETS) {
      expect(PRESETS[id].exportTarget).toBe(id);
      expect(exporterFor(PRESETS[id].exportTarget ?? 'json')?.verifiable).toBe(true);
    }
  });

  it('keeps the generic app types free of any one target', () => {
    expect(['web', 'spa', 'native'].map((id) => PRESETS[id as PresetId].exportTarget)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});

/**
 * What each target's documentation says it sends (targets.md, with its sources), written out
 * here rather than read from the presets or the exporters, so that either one drifting from the
 * target fails.
 */
const DOCUMENTED: Record<
  string,
  {
    callback: string;
    signOut?: string;
    initiateLogin?: string;
    /** How the target turns PKCE on in its file; `''` when it always sends PKCE. */
    pkceSwitch?: string;
    /** Redirect URIs beside the callback that do not follow the base URL. */
    extraRedirects?: string[];
    /** The client authentication the target sends, when not HTTP Basic. */
    auth?: 'client_secret_post';
  }
> = {
  kestra: { callback: '/oauth/callback/okta', signOut: '/logout' },
  kaimu: { callback: '/auth/oidc/okta/callback' },
  grafana: {
    callback: '/login/okta',
    signOut: '/logout',
    initiateLogin: '/login/okta',
    pkceSwitch: 'use_pkce = true',
  },
  argocd: {
    callback: '/auth/callback',
    signOut: '',
    initiateLogin: '/auth/login',
    pkceSwitch: 'enablePKCEAuthentication: true',
  },
  gitlab: { callback: '/users/auth/openid_connect/callback', pkceSwitch: 'pkce: true,' },
  'oauth2-proxy': {
    callback: '/oauth2/callback',
    signOut: '',
    initiateLogin: '/oauth2/start',
    pkceSwitch: 'code_challenge_method = "S256"',
  },
  'spring-boot': {
    callback: '/login/oauth2/code/okta',
    signOut: '',
    initiateLogin: '/oauth2/authorization/okta',
  },
  // The Okta provider always sends PKCE (checks: ["pkce", "state"]); nothing to switch on.
  authjs: { callback: '/api/auth/callback/okta', pkceSwitch: '' },
  // Released Gitea sends no PKCE; the source's name (the client key) is the callback's segment.
  gitea: { callback: '/user/oauth2/okta/callback', initiateLogin: '/user/oauth2/okta' },
  jenkins: {
    callback: '/securityRealm/finishLogin',
    signOut: '/',
    initiateLogin: '/securityRealm/commenceLogin',
    pkceSwitch: '- pkce',
  },
  // Harbor always sends S256 since 2.13.
  harbor: { callback: '/c/oidc/callback', signOut: '/account/sign-in', pkceSwitch: '' },
  // Vault always sends S256; its CLI listens on localhost:8250 whatever the Vault address.
  vault: {
    callback: '/ui/vault/auth/oidc/oidc/callback',
    pkceSwitch: '',
    extraRedirects: ['http://localhost:8250/oidc/callback'],
  },
  outline: {
    callback: '/auth/oidc.callback',
    initiateLogin: '/auth/oidc',
    auth: 'client_secret_post',
  },
  // oauthenticator's enable_pkce is on by default since 17.1.
  jupyterhub: {
    callback: '/hub/oauth_callback',
    initiateLogin: '/hub/oauth_login',
    pkceSwitch: '',
  },
};

describe('each app preset carries what its target documents', () => {
  it.each(APP_PRESETS)('%s: callback, sign-out and initiate login from the base URL', (id) => {
    const documented = DOCUMENTED[id];
    expect(documented, `Write down what ${id}'s documentation says in DOCUMENTED`).toBeDefined();
    const base = 'https://target.example.com';
    const document = createSetupDocument({ id: 'setup-1', preset: id, baseUrl: `${base}/` });
    expect(document.app.redirectUris).toEqual([
      `${base}${documented?.callback ?? ''}`,
      ...(documented?.extraRedirects ?? []),
    ]);
    expect(document.app.postLogoutRedirectUris).toEqual(
      documented?.signOut === undefined ? [] : [`${base}${documented.signOut}`],
    );
    expect(document.app.initiateLoginUri).toBe(
      documented?.initiateLogin === undefined ? undefined : `${base}${documented.initiateLogin}`,
    );
    // A confidential web app, as every one of these targets signs in.
    expect(document.app).toMatchObject({
      applicationType: 'web',
      tokenEndpointAuthMethod: documented?.auth ?? 'client_secret_basic',
    });
    expect(document.app.grantTypes).toContain('authorization_code');
    // PKCE is required exactly where the target sends it.
    expect(document.app.pkceRequired).toBe(documented?.pkceSwitch !== undefined);
  });

  it('gives Grafana the org server’s per-app groups claim, as its Okta guide sets it', () => {
    const document = createSetupDocument({ id: 'setup-1', preset: 'grafana' });
    expect(document.issuer).toEqual({
      kind: 'org',
      issuerMode: 'ORG_URL',
      groupsClaim: { type: 'FILTER', name: 'groups', filterType: 'REGEX', value: '.*' },
    });
    expect(document.app.grantTypes).toEqual(['authorization_code', 'refresh_token']);
  });

  it('gives Argo CD a groups scope and claim on the default custom server', () => {
    const document = createSetupDocument({ id: 'setup-1', preset: 'argocd' });
    expect(document.issuer).toEqual({
      kind: 'custom',
      server: { kind: 'existing', id: 'default' },
      issuerMode: 'ORG_URL',
      scopes: ['openid', 'profile', 'email', 'groups'],
      groupsClaim: { type: 'FILTER', name: 'groups', filterType: 'REGEX', value: '.*' },
    });
  });

  it('asks for email on the server oauth2-proxy reads it from', () => {
    const document = createSetupDocument({ id: 'setup-1', preset: 'oauth2-proxy' });
    expect(document.issuer).toMatchObject({
      kind: 'custom',
      scopes: ['openid', 'email', 'profile'],
    });
  });

  it('never shares a preset’s grant types between documents', () => {
    const first = createSetupDocument({ id: 'setup-1', preset: 'grafana' });
    first.app.grantTypes.pop();
    expect(PRESETS.grafana.app.grantTypes).toEqual(['authorization_code', 'refresh_token']);
  });
});

/** The warnings an export gives when the app was not made the way the target signs in. */
const MISMATCH_WARNINGS = [
  /registered redirect URI that .* can send is/,
  /adds PKCE only for public clients/,
  /is registered for client_secret_post/,
  /provider requests .*, but this setup expects/,
  /does not list the scope/,
];

describe('each app preset agrees with its export target', () => {
  it.each(APP_PRESETS)(
    '%s: the exported file, read as the target reads it, sends the preset’s callback, authentication and scopes',
    (id) => {
      const input = exportInputFor(id);
      const exporter = exporterFor(PRESETS[id].exportTarget ?? 'json');
      const output = exporter?.export(input);
      const warnings = output?.warnings ?? [];
      for (const pattern of MISMATCH_WARNINGS) {
        expect(warnings.filter((warning) => pattern.test(warning))).toEqual([]);
      }
      const reading = exporter?.read?.(output?.files ?? []);
      const { document } = input;
      const preset = PRESETS[id];
      expect(reading?.redirectUri).toBe(
        preset.uris(document.target.baseUrl, document.target.clientKey).callback,
      );
      expect(document.app.redirectUris).toContain(reading?.redirectUri);
      expect(reading?.tokenEndpointAuthMethod).toBe(document.app.tokenEndpointAuthMethod);
      const prepared =
        document.issuer.kind === 'custom'
          ? document.issuer.scopes
          : ['openid', 'profile', 'email', ...(document.issuer.groupsClaim ? ['groups'] : [])];
      expect([...(reading?.scopes ?? [])].sort()).toEqual([...prepared].sort());
      const pkceSwitch = DOCUMENTED[id]?.pkceSwitch;
      if (pkceSwitch !== undefined && pkceSwitch !== '') {
        expect(output?.files.map((file) => file.content).join('\n')).toContain(pkceSwitch);
      }
    },
  );

  it.each(['grafana', 'argocd'] as const)(
    '%s: the export asks for the groups claim the preset makes',
    (id) => {
      const input = exportInputFor(id);
      const output = exporterFor(id)?.export(input);
      const reading = exporterFor(id)?.read?.(output?.files ?? []);
      expect(input.document.issuer.groupsClaim?.name).toBe('groups');
      expect(reading?.scopes).toContain('groups');
    },
  );
});

describe('finding a preset', () => {
  it('finds every preset with no search text, in list order', () => {
    expect(searchPresets('  ').map((preset) => preset.id)).toEqual([...PRESET_IDS]);
    expect(presetsInOrder().map((preset) => preset.id)).toEqual([...PRESET_IDS]);
  });

  it('matches every word against the name, id, description and keywords, ignoring case', () => {
    expect(searchPresets('ARGO').map((preset) => preset.id)).toEqual(['argocd']);
    expect(searchPresets('kubernetes gitops').map((preset) => preset.id)).toEqual(['argocd']);
    expect(searchPresets('nextauth').map((preset) => preset.id)).toEqual(['authjs']);
    expect(searchPresets('spring security').map((preset) => preset.id)).toEqual(['spring-boot']);
    expect(searchPresets('javascript').map((preset) => preset.id)).toEqual(['authjs', 'spa']);
    expect(searchPresets('no such target')).toEqual([]);
  });

  it('states each callback rule from a stand-in base URL', () => {
    expect(callbackRule(PRESETS.grafana)).toBe('<base URL>/login/okta');
    expect(callbackRule(PRESETS.kestra)).toBe('<base URL>/oauth/callback/<client key>');
    expect(callbackRule(PRESETS.gitlab)).toBe('<base URL>/users/auth/openid_connect/callback');
  });
});

describe('followInitiateLoginUri', () => {
  it('moves the derived initiate login URI to the new base URL', () => {
    const document = createSetupDocument({ id: 'setup-1', preset: 'argocd' });
    const before = { ...document.target };
    document.target.baseUrl = 'https://argocd.example.com';
    followInitiateLoginUri(document, before);
    expect(document.app.initiateLoginUri).toBe('https://argocd.example.com/auth/login');
  });

  it('leaves an address the admin typed', () => {
    const document = createSetupDocument({ id: 'setup-1', preset: 'argocd' });
    document.app.initiateLoginUri = 'https://sso.example.com/start';
    const before = { ...document.target };
    document.target.baseUrl = 'https://argocd.example.com';
    followInitiateLoginUri(document, before);
    expect(document.app.initiateLoginUri).toBe('https://sso.example.com/start');
  });

  it('leaves a document whose target has no initiate login URI without one', () => {
    const document = createSetupDocument({ id: 'setup-1', preset: 'gitlab' });
    const before = { ...document.target };
    document.target.baseUrl = 'https://gitlab.example.com';
    followInitiateLoginUri(document, before);
    expect(document.app).not.toHaveProperty('initiateLoginUri');
  });
});

describe('goPathEscape, as Go’s url.PathEscape escapes a Gitea source name', () => {
  it.each([
    ['okta', 'okta'],
    ['my okta', 'my%20okta'],
    ["a!b'c(d)e*f", 'a%21b%27c%28d%29e%2Af'],
    ['a$b&c+d:e=f@g', 'a$b&c+d:e=f@g'],
    ['a/b?c#d', 'a%2Fb%3Fc%23d'],
    ['é', '%C3%A9'],
  ])('%s → %s', (name, escaped) => {
    expect(goPathEscape(name)).toBe(escaped);
  });

  it('encodes a lone surrogate as U+FFFD, as UTF-8 encoding does, instead of throwing', () => {
    expect(goPathEscape('a\ud800b')).toBe('a%EF%BF%BDb');
    expect(goPathEscape('\udc00')).toBe('%EF%BF%BD');
    expect(goPathEscape('😀')).toBe('%F0%9F%98%80');
  });
});
