import { describe, expect, it } from 'vitest';

import { runScopesCommand, scopesReport } from '../../../../main/cli/scopes-command.ts';

describe('sso-console scopes', () => {
  it('prints each scope with the calls that need it, and the role', () => {
    const text = runScopesCommand({ preset: 'kestra', json: false });
    expect(text).toContain('Least privilege for a Kestra setup');
    expect(text).toContain('  okta.logs.read\n    - Run the login preview');
    expect(text).toContain(
      'Show the app’s sign-ins and failures from the System Log: listLogEvents',
    );
    expect(text).toContain('Okta API Scopes → Grant');
    expect(text).toContain(
      'Admin role (the service app → Admin roles → Edit assignments): ORG_ADMIN',
    );
    expect(text).toContain('APP_ADMIN (Application Administrator): setup-app');
    // Kestra uses the org authorization server and no trusted origin: nothing to manage there.
    expect(text).not.toContain('okta.authorizationServers.manage');
    expect(text).not.toContain('okta.trustedOrigins.manage');
  });

  it('plans Kaimu’s custom authorization server with its manage scope and role', () => {
    const { plan } = scopesReport({ preset: 'kaimu' });
    expect(plan.scopes.map(({ scope }) => scope)).toContain('okta.authorizationServers.manage');
    expect(plan.roles).toContain('API_ACCESS_MANAGEMENT_ADMIN');
  });

  it('says which granted scopes are missing and which go unused', () => {
    const text = runScopesCommand({
      preset: 'kestra',
      granted: ['okta.apps.read', 'okta.apps.manage', 'okta.groups.manage'],
      json: false,
    });
    expect(text).toContain('Missing (grant them): okta.users.read, okta.users.manage');
    expect(text).toContain('Granted but never used by this work (revoke them): okta.groups.manage');
  });

  it('answers JSON with --json', () => {
    const answer = JSON.parse(runScopesCommand({ preset: 'kaimu', granted: [], json: true })) as {
      target: string;
      plan: { scopes: { scope: string }[]; role: string };
      unused: string[];
    };
    expect(answer.target).toBe('kaimu');
    expect(answer.plan.role).toBe('ORG_ADMIN');
    expect(answer.unused).toEqual([]);
    expect(answer.plan.scopes[0]?.scope).toBe('okta.apps.read');
  });
});
