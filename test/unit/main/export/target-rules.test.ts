import { describe, expect, it } from 'vitest';

import {
  assertPassesPreExportLint,
  findRegisteredCallback,
  groupsReleasedByClaim,
  inlineSecretOf,
  pickPostLogoutRedirectUri,
  requestedScopes,
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
});

describe('requestedScopes', () => {
  it('asks the org server for the standard scopes, plus groups with a groups claim', () => {
    expect(requestedScopes(exportInputFor('web')).scopes).toEqual(['openid', 'profile', 'email']);
    const withClaim = exportInputFor('web', {
      adjust: (document) => {
        document.issuer.groupsClaim = { name: 'groups', filterType: 'REGEX', value: '.*' };
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
    [{ name: 'groups', filterType: 'REGEX', value: '.*' }, ['Engineering', 'Kestra Admins']],
    [{ name: 'groups', filterType: 'REGEX', value: 'Kestra.*' }, ['Kestra Admins']],
    [{ name: 'groups', filterType: 'REGEX', value: '(' }, ['Engineering', 'Kestra Admins']],
    [{ name: 'groups', filterType: 'STARTS_WITH', value: 'kestra' }, ['Kestra Admins']],
    [{ name: 'groups', filterType: 'EQUALS', value: 'engineering' }, ['Engineering']],
    [{ name: 'groups', filterType: 'CONTAINS', value: 'admin' }, ['Kestra Admins']],
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
